"""The gateway in front of the REAL Rasa + action server stack (no fakes).

Checks what a patient sees, that retries (sequential and concurrent) never
become a second turn in Rasa's tracker, that tokens are bound to their
conversation, and that staff can read the transcript of a gateway conversation.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import urllib.request
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete

from actions.intake.messages import question
from bot.stack import Stack
from bot.store import ChatReply, create_user, get_user, save_referral, session_scope
from bot.store.chat_replies import replies_from_tracker
from bot.store.staff import create_api_token
from tests.store.factories import summary_for
from tests.web.conftest import Gateway

pytestmark = pytest.mark.slow

CONSENT, CONSENT_BUTTONS = question("consent")
NAME, _ = question("patient_name")
AGE, _ = question("age")


def texts(response: Any) -> str:
    return "\n".join(r.get("text", "") for r in response.json()["replies"])


def tracker_user_events(stack: Stack, conversation_id: str) -> list[dict[str, Any]]:
    """The user events Rasa recorded for the conversation (via its HTTP API)."""
    url = f"{stack.rasa_url}/conversations/{conversation_id}/tracker?token={stack.rasa_token}"
    with urllib.request.urlopen(url, timeout=30) as reply:
        tracker = json.loads(reply.read())
    return [e for e in tracker["events"] if e.get("event") == "user"]


async def test_greeting_asks_for_consent_with_quick_replies(real_gateway: Gateway) -> None:
    conversation, token = await real_gateway.session()
    response = await real_gateway.say(conversation, token, "/greet")
    assert response.status_code == 200, response.text
    assert CONSENT in texts(response)
    buttons = [b for r in response.json()["replies"] for b in r.get("buttons", [])]
    assert {"title": "Yes, that's OK", "payload": "/affirm"} in buttons
    assert all(set(r) <= {"text", "buttons"} for r in response.json()["replies"])


async def test_retries_never_become_a_second_turn(real_gateway: Gateway, bot_stack: Stack) -> None:
    conversation, token = await real_gateway.session()
    greet = await real_gateway.say(conversation, token, "/greet", "greet-1")
    assert CONSENT in texts(greet)

    first = await real_gateway.say(conversation, token, "/affirm", "consent-1")
    again = await real_gateway.say(conversation, token, "/affirm", "consent-1")
    assert first.status_code == again.status_code == 200
    assert NAME in texts(first)
    assert again.json() == first.json()

    racing = await asyncio.gather(
        *(real_gateway.say(conversation, token, "Maria Lopez", "name-1") for _ in range(3))
    )
    assert [r.status_code for r in racing] == [200, 200, 200]
    assert racing[0].json() == racing[1].json() == racing[2].json()
    assert AGE in texts(racing[0])

    events = tracker_user_events(bot_stack, conversation)
    per_id = Counter(e.get("metadata", {}).get("client_message_id") for e in events)
    assert per_id == Counter({"greet-1": 1, "consent-1": 1, "name-1": 1})


async def test_one_conversations_token_cannot_touch_another(
    real_gateway: Gateway, bot_stack: Stack
) -> None:
    mine, my_token = await real_gateway.session()
    theirs, their_token = await real_gateway.session()
    assert (await real_gateway.say(theirs, their_token, "/greet")).status_code == 200
    before = tracker_user_events(bot_stack, theirs)

    assert (await real_gateway.say(theirs, my_token, "hijack")).status_code == 401
    assert (await real_gateway.say(mine, their_token, "hijack")).status_code == 401
    assert tracker_user_events(bot_stack, theirs) == before
    assert tracker_user_events(bot_stack, mine) == []


@pytest.fixture
def stack_staff_token(real_gateway: Gateway) -> Iterator[str]:
    """A throwaway staff user (random password) in the stack's database; deleted afterwards."""
    username = f"web-test-{secrets.token_hex(4)}"
    with session_scope(real_gateway.engine) as session:
        create_user(
            session, username=username, role="therapist", password=secrets.token_urlsafe(16)
        )
        token = create_api_token(session, username=username)
    yield token
    with session_scope(real_gateway.engine) as session:
        user = get_user(session, username=username)
        if user is not None:
            session.delete(user)  # its tokens go with it


async def test_staff_read_the_transcript_of_a_gateway_conversation(
    real_gateway: Gateway, stack_staff_token: str
) -> None:
    conversation, token = await real_gateway.session()
    for text in ("/greet", "/affirm", "Maria Lopez"):
        assert (await real_gateway.say(conversation, token, text)).status_code == 200
    with session_scope(real_gateway.engine) as session:
        save_referral(session, summary=summary_for(conversation), partial=True)

    response = await real_gateway.client.get(
        f"/api/intakes/{conversation}/transcript",
        headers={"Authorization": f"Bearer {stack_staff_token}"},
    )
    assert response.status_code == 200
    entries = response.json()
    patient = [e["text"] for e in entries if e["sender"] == "patient"]
    bot = "\n".join(e["text"] for e in entries if e["sender"] == "bot")
    assert "Maria Lopez" in patient
    assert CONSENT in bot and NAME in bot and AGE in bot
    assert all(e["timestamp"].endswith("+00:00") for e in entries)


async def test_a_lost_reply_is_recovered_from_rasas_tracker_store(
    real_gateway: Gateway, bot_stack: Stack
) -> None:
    conversation, token = await real_gateway.session()
    answered = await real_gateway.say(conversation, token, "/greet", "greet-lost")
    assert answered.status_code == 200
    await real_gateway.app.state.services.turns.drain()
    # Simulate a reply that never reached the gateway's table (e.g. it crashed mid-turn).
    with session_scope(real_gateway.engine) as session:
        session.execute(
            delete(ChatReply).where(
                ChatReply.conversation_id == conversation,
                ChatReply.client_message_id == "greet-lost",
            )
        )
        recovered = replies_from_tracker(
            session, conversation_id=conversation, client_message_id="greet-lost"
        )
    assert recovered == answered.json()["replies"]

    retried = await real_gateway.say(conversation, token, "/greet", "greet-lost")
    assert retried.json() == answered.json()  # from the tracker, not a second turn
    assert len(tracker_user_events(bot_stack, conversation)) == 1
