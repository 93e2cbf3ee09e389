"""Patient chat API against a FAULT-INJECTION fake Rasa: sessions, tokens, idempotency,
failures, validation and limits. The real-Rasa counterparts are in test_chat_real.py.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.store import ChatReply, session_scope
from bot.web.config import RateLimit
from bot.web.sessions import CONVERSATION_ID
from tests.web.conftest import Gateway, GatewayFactory, free_port
from tests.web.fake_rasa import FakeRasa


async def rows(gw: Gateway, conversation_id: str) -> list[tuple[str, str]]:
    """(client_message_id, status) of the conversation's idempotency rows.

    Waits first for the gateway's background writes (replies are stored just
    after the response is sent).
    """
    await gw.app.state.services.turns.drain()
    with session_scope(gw.engine) as session:
        found = session.execute(
            select(ChatReply.client_message_id, ChatReply.status).where(
                ChatReply.conversation_id == conversation_id
            )
        )
        return [(cmid, status) for cmid, status in found]


async def test_session_ids_are_random_and_well_formed(gateway: Gateway) -> None:
    first, token = await gateway.session()
    second, _ = await gateway.session()
    assert first != second
    assert CONVERSATION_ID.fullmatch(first)
    assert token and first not in token


async def test_message_returns_text_and_buttons_only(gateway: Gateway, fake_rasa: FakeRasa) -> None:
    conversation, token = await gateway.session()
    response = await gateway.say(conversation, token, "  hello there  ", "m-1")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "replies": [
            {"text": "You said: hello there"},
            {
                "text": "Is that OK?",
                "buttons": [
                    {"title": "Yes", "payload": "/affirm"},
                    {"title": "No", "payload": "/deny"},
                ],
            },
        ]
    }
    (call,) = fake_rasa.calls
    assert call == {
        "sender": conversation,
        "message": "hello there",
        "metadata": {"client_message_id": "m-1"},
    }
    assert await rows(gateway, conversation) == [("m-1", "done")]


async def test_retry_with_same_client_message_id_replays_without_a_second_turn(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    conversation, token = await gateway.session()
    first = await gateway.say(conversation, token, "my back hurts", "same-id")
    again = await gateway.say(conversation, token, "my back hurts", "same-id")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert len(fake_rasa.calls) == 1


async def test_a_reused_client_message_id_with_different_text_is_refused(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    conversation, token = await gateway.session()
    first = await gateway.say(conversation, token, "my back hurts", "reused-id")
    emergency = await gateway.say(conversation, token, "crushing chest pain right now", "reused-id")
    assert first.status_code == 200
    assert emergency.status_code == 409
    assert emergency.json()["error"] == "message_id_reused"
    assert len(fake_rasa.calls) == 1  # the new text was neither replayed over nor dropped silently
    with session_scope(gateway.engine) as session:
        kept = session.scalars(
            select(ChatReply.text_digest).where(ChatReply.conversation_id == conversation)
        ).all()
    assert len(kept) == 1 and len(kept[0] or "") == 64
    assert "back" not in (kept[0] or "")  # a keyed digest, never the text


async def test_concurrent_retry_waits_for_the_first_and_calls_rasa_once(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    fake_rasa.set_mode("ok", delay_s=1.0)
    conversation, token = await gateway.session()
    first, second = await asyncio.gather(
        gateway.say(conversation, token, "hello", "in-flight"),
        gateway.say(conversation, token, "hello", "in-flight"),
    )
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(fake_rasa.calls) == 1
    assert await rows(gateway, conversation) == [("in-flight", "done")]


async def test_different_client_message_ids_are_different_turns(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    conversation, token = await gateway.session()
    for number in range(3):
        response = await gateway.say(conversation, token, f"message {number}", f"id-{number}")
        assert response.status_code == 200
    assert [c["message"] for c in fake_rasa.calls] == ["message 0", "message 1", "message 2"]


async def test_token_is_bound_to_its_conversation(gateway: Gateway, fake_rasa: FakeRasa) -> None:
    mine, my_token = await gateway.session()
    theirs, their_token = await gateway.session()
    unknown = "web-" + "A" * 24
    attempts = [
        (theirs, my_token),  # another patient's conversation with my token
        (mine, their_token),
        (unknown, my_token),  # a conversation that does not exist
        (mine, "not-a-token"),
        (mine, my_token[:-2] + "xx"),
    ]
    bodies = set()
    for conversation, token in attempts:
        response = await gateway.say(conversation, token, "hello")
        assert response.status_code == 401, (conversation, response.text)
        bodies.add(response.text)
    no_header = await gateway.client.post(
        f"/chat/sessions/{mine}/messages", json={"text": "hi", "client_message_id": "x"}
    )
    assert no_header.status_code == 401
    bodies.add(no_header.text)
    assert len(bodies) == 1  # the same answer whether the conversation exists or not
    assert "start a new chat" in bodies.pop()
    assert fake_rasa.calls == []


async def test_expired_token_is_refused(make_gateway: GatewayFactory) -> None:
    async with make_gateway(session_ttl_s=0.0001) as gw:
        conversation, token = await gw.session()
        await asyncio.sleep(1.1)
        assert (await gw.say(conversation, token, "hello")).status_code == 401


async def test_rasa_down_is_a_clear_503_and_nothing_is_stored(
    make_gateway: GatewayFactory,
) -> None:
    async with make_gateway(rasa_url=f"http://127.0.0.1:{free_port()}") as gw:
        conversation, token = await gw.session()
        response = await gw.say(conversation, token, "hello", "m-1")
        assert response.status_code == 503
        body = response.json()
        assert body["error"] == "assistant_unavailable"
        assert "try again" in body["message"]
        assert response.headers["Retry-After"]
        assert await rows(gw, conversation) == []


async def test_empty_rasa_reply_is_an_error_and_the_retry_works(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    fake_rasa.set_mode("empty")
    conversation, token = await gateway.session()
    failed = await gateway.say(conversation, token, "hello", "retry-me")
    assert failed.status_code == 502
    assert failed.json()["error"] == "assistant_error"
    assert failed.json()["message"]
    assert await rows(gateway, conversation) == []  # not stored as done

    fake_rasa.set_mode("ok")
    retried = await gateway.say(conversation, token, "hello", "retry-me")
    assert retried.status_code == 200
    assert retried.json()["replies"]
    assert len(fake_rasa.calls) == 2


async def test_rasa_500_and_malformed_replies_are_502(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    conversation, token = await gateway.session()
    for mode in ("error", "garbage"):
        fake_rasa.set_mode(mode)  # type: ignore[arg-type]
        response = await gateway.say(conversation, token, "hello")
        assert response.status_code == 502, mode
        assert response.json()["error"] == "assistant_error"


async def test_timeout_keeps_the_message_until_stale_then_a_retry_takes_over(
    make_gateway: GatewayFactory, fake_rasa: FakeRasa
) -> None:
    async with make_gateway(rasa_timeout_s=0.5, reply_wait_s=0.5, stale_after_s=2.0) as gw:
        fake_rasa.set_mode("ok", delay_s=1.5)
        conversation, token = await gw.session()
        timed_out = await gw.say(conversation, token, "hello", "slow-one")
        assert timed_out.status_code == 504
        assert timed_out.json()["error"] == "assistant_timeout"
        # Rasa may still be working on it: an early retry must not send it again.
        early = await gw.say(conversation, token, "hello", "slow-one")
        assert early.status_code == 503
        assert early.json()["error"] == "still_working"
        assert len(fake_rasa.calls) == 1

        fake_rasa.set_mode("ok")
        await asyncio.sleep(2.2)  # now stale: the next retry takes the message over
        late = await gw.say(conversation, token, "hello", "slow-one")
        assert late.status_code == 200, late.text
        assert len(fake_rasa.calls) == 2
        assert await rows(gw, conversation) == [("slow-one", "done")]


async def test_wrong_types_are_422_with_a_friendly_message(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    conversation, token = await gateway.session()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/chat/sessions/{conversation}/messages"
    bad_bodies = [
        {"text": 42, "client_message_id": "a"},
        {"text": ["hi"], "client_message_id": "a"},
        {"text": "hi", "client_message_id": 7},
        {"text": "hi"},
        {"client_message_id": "a"},
        ["hi"],
    ]
    for body in bad_bodies:
        response = await gateway.client.post(url, json=body, headers=headers)
        assert response.status_code == 422, body
        data = response.json()
        assert data["error"] == "invalid_request"
        assert data["message"].startswith("Please check your request")
        assert "42" not in data["message"]  # values are never echoed
    not_json = await gateway.client.post(
        url, content=b"{not json", headers={**headers, "Content-Type": "application/json"}
    )
    assert not_json.status_code == 422
    assert fake_rasa.calls == []


async def test_empty_and_bad_ids_are_422(gateway: Gateway, fake_rasa: FakeRasa) -> None:
    conversation, token = await gateway.session()
    empty = await gateway.say(conversation, token, "   \n ")
    assert empty.status_code == 422
    assert empty.json()["error"] == "empty_message"
    for bad_id in ("", "x" * 101, "has space", 'quote"d'):
        response = await gateway.client.post(
            f"/chat/sessions/{conversation}/messages",
            json={"text": "hi", "client_message_id": bad_id},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 422, bad_id
        assert response.json()["error"] == "invalid_client_message_id"
    assert fake_rasa.calls == []


async def test_oversize_message_is_413_and_the_cap_is_configurable(
    make_gateway: GatewayFactory, fake_rasa: FakeRasa
) -> None:
    async with make_gateway() as gw:
        conversation, token = await gw.session()
        assert (await gw.say(conversation, token, "x" * 2000)).status_code == 200
        too_long = await gw.say(conversation, token, "x" * 2001)
        assert too_long.status_code == 413
        assert too_long.json()["error"] == "message_too_long"
        assert "2000" in too_long.json()["message"]
    async with make_gateway(max_message_chars=10, max_body_bytes=4096) as gw:
        conversation, token = await gw.session()
        assert (await gw.say(conversation, token, "x" * 11)).status_code == 413
        huge = await gw.say(conversation, token, "x" * 10_000)  # over the body limit
        assert huge.status_code == 413
        assert huge.json()["error"] == "too_large"
    assert len(fake_rasa.calls) == 1


async def test_rate_limit_per_conversation_is_429_with_retry_after(
    make_gateway: GatewayFactory,
) -> None:
    async with make_gateway(rate_conversation=RateLimit(per_minute=6, burst=2)) as gw:
        conversation, token = await gw.session()
        assert (await gw.say(conversation, token, "one")).status_code == 200
        assert (await gw.say(conversation, token, "two")).status_code == 200
        limited = await gw.say(conversation, token, "three")
        assert limited.status_code == 429
        assert limited.json()["error"] == "rate_limited"
        assert "wait" in limited.json()["message"]
        assert 1 <= int(limited.headers["Retry-After"]) <= 10
        other, other_token = await gw.session()  # another conversation is not affected
        assert (await gw.say(other, other_token, "hello")).status_code == 200


async def test_rate_limit_per_client_address(make_gateway: GatewayFactory) -> None:
    async with make_gateway(
        rate_sessions=RateLimit(per_minute=1, burst=2),
        rate_client=RateLimit(per_minute=1, burst=3),
    ) as gw:
        first, token = await gw.session()
        await gw.session()
        assert (await gw.client.post("/chat/sessions")).status_code == 429
        for _ in range(3):
            assert (await gw.say(first, token, "hi")).status_code == 200
        assert (await gw.say(first, token, "hi")).status_code == 429


async def test_a_failed_turn_releases_for_a_concurrent_retry(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    fake_rasa.set_mode("empty", delay_s=0.8)
    conversation, token = await gateway.session()
    first, second = await asyncio.gather(
        gateway.say(conversation, token, "hello", "flaky"),
        gateway.say(conversation, token, "hello", "flaky"),
    )
    # The first attempt fails and releases the message; the waiting retry then tries it
    # itself (Rasa fails again): both get a clear error, nothing is stored as done.
    assert first.status_code == second.status_code == 502
    assert len(fake_rasa.calls) == 2
    assert await rows(gateway, conversation) == []
    fake_rasa.set_mode("ok")
    assert (await gateway.say(conversation, token, "hello", "flaky")).status_code == 200


async def test_idempotency_rows_are_unique_per_message(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    conversation, token = await gateway.session()
    await asyncio.gather(*(gateway.say(conversation, token, "hi", "dup") for _ in range(4)))
    with session_scope(gateway.engine) as session:
        count = session.scalar(
            select(func.count())
            .select_from(ChatReply)
            .where(ChatReply.conversation_id == conversation)
        )
    assert count == 1
    assert len(fake_rasa.calls) == 1


async def test_a_lone_surrogate_in_a_message_is_a_422_not_a_500(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    conversation, token = await gateway.session()
    for raw in (
        b'{"text": "my back \\udc00 hurts", "client_message_id": "s-1"}',
        b'{"text": "my back hurts", "client_message_id": "s-\\ud800"}',
    ):
        response = await gateway.client.post(
            f"/chat/sessions/{conversation}/messages",
            content=raw,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert response.status_code == 422, response.text
    assert fake_rasa.calls == []
