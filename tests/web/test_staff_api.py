"""Staff JSON API: tokens required, summaries, transcripts, analyze; every read audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.store import AuditEvent, create_api_token, revoke_api_token, save_referral, session_scope
from bot.store.staff import TOKEN_PREFIX
from tests.store.factories import RASA_METADATA, add_event, summary_for
from tests.web.conftest import Gateway, new_staff_token

ROUTES = [
    ("GET", "/api/intakes"),
    ("GET", "/api/intakes/conv-1"),
    ("GET", "/api/intakes/conv-1/transcript"),
    ("POST", "/api/analyze"),
]


def audit(gateway: Gateway) -> list[AuditEvent]:
    """Audit events about reads (user and token creation left out)."""
    with session_scope(gateway.engine) as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [e for e in events if not e.action.startswith(("user.", "token."))]


def store(gateway: Gateway, conversation_id: str, **kwargs: Any) -> None:
    with session_scope(gateway.engine) as session:
        save_referral(session, summary=summary_for(conversation_id, **kwargs))


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_staff_routes_need_a_valid_token(
    gateway: Gateway, staff_token: str, method: str, path: str
) -> None:
    store(gateway, "conv-1")
    body = {"text": "neck pain"} if method == "POST" else None
    bad_headers: list[dict[str, str]] = [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": f"Basic {staff_token}"},
        auth(TOKEN_PREFIX + "not-a-real-token-at-all-000000000000"),
        auth("garbage"),
    ]
    for headers in bad_headers:
        response = await gateway.client.request(method, path, json=body, headers=headers)
        assert response.status_code == 401, headers
        assert response.json()["error"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"
    assert audit(gateway) == []  # refused requests read nothing

    ok = await gateway.client.request(method, path, json=body, headers=auth(staff_token))
    assert ok.status_code == 200, ok.text


async def test_revoked_token_is_refused(gateway: Gateway, staff_token: str) -> None:
    with session_scope(gateway.engine) as session:
        revoke_api_token(session, prefix=staff_token[:12])
    response = await gateway.client.get("/api/intakes", headers=auth(staff_token))
    assert response.status_code == 401


async def test_a_chat_session_token_is_not_a_staff_token(gateway: Gateway) -> None:
    _, chat_token = await gateway.session()
    response = await gateway.client.get("/api/intakes", headers=auth(chat_token))
    assert response.status_code == 401


async def test_list_filters_and_audits_without_the_search_text(
    gateway: Gateway, staff_token: str
) -> None:
    store(gateway, "conv-a", name="Ann Example", triage="routine")
    store(gateway, "conv-b", name="Bob Sample", triage="caution")
    everything = await gateway.client.get("/api/intakes", headers=auth(staff_token))
    assert everything.status_code == 200
    assert [s["conversation_id"] for s in everything.json()] == ["conv-b", "conv-a"]
    assert "transcript" not in everything.json()[0]

    caution = await gateway.client.get(
        "/api/intakes", params={"triage": "caution", "status": ""}, headers=auth(staff_token)
    )
    assert [s["conversation_id"] for s in caution.json()] == ["conv-b"]
    by_name = await gateway.client.get(
        "/api/intakes", params={"q": "ann ex"}, headers=auth(staff_token)
    )
    assert [s["patient"]["name"] for s in by_name.json()] == ["Ann Example"]

    events = audit(gateway)
    assert [e.action for e in events] == ["intake.list"] * 3
    assert {e.actor for e in events} == {"therapist1"}
    assert events[2].details == {"status": None, "triage": None, "q": True, "count": 1}
    assert "ann" not in str([e.details for e in events]).lower()


async def test_list_rejects_unknown_filters(gateway: Gateway, staff_token: str) -> None:
    for params in ({"status": "deleted"}, {"triage": "urgent"}, {"limit": "0"}):
        response = await gateway.client.get(
            "/api/intakes", params=params, headers=auth(staff_token)
        )
        assert response.status_code == 422, params
        assert response.json()["message"]


async def test_read_one_summary_is_audited(gateway: Gateway, staff_token: str) -> None:
    store(gateway, "conv-1", name="Jane Roe")
    response = await gateway.client.get("/api/intakes/conv-1", headers=auth(staff_token))
    assert response.status_code == 200
    summary = response.json()
    assert summary["schema_version"] == "1"
    assert summary["conversation_id"] == "conv-1"
    assert summary["reference"].startswith("MM-")
    assert summary["patient"]["name"] == "Jane Roe"

    missing = await gateway.client.get("/api/intakes/nope", headers=auth(staff_token))
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"

    events = audit(gateway)
    assert [(e.actor, e.action, e.target, e.details) for e in events] == [
        ("therapist1", "intake.read", "conv-1", {"found": True}),
        ("therapist1", "intake.read", "nope", {"found": False}),
    ]


async def test_transcript_comes_from_the_tracker_store(gateway: Gateway, staff_token: str) -> None:
    store(gateway, "conv-1")
    RASA_METADATA.create_all(gateway.engine)  # Rasa's own table, as Rasa creates it
    add_event(gateway.engine, "conv-1", "user", 100.0, "my neck hurts")
    add_event(gateway.engine, "conv-1", "action", 100.5, name="action_listen")
    add_event(gateway.engine, "conv-1", "bot", 101.0, "Sorry to hear that. Since when?")
    add_event(gateway.engine, "other", "user", 102.0, "someone else")

    response = await gateway.client.get("/api/intakes/conv-1/transcript", headers=auth(staff_token))
    assert response.status_code == 200
    assert response.json() == [
        {"sender": "patient", "text": "my neck hurts", "timestamp": "1970-01-01T00:01:40+00:00"},
        {
            "sender": "bot",
            "text": "Sorry to hear that. Since when?",
            "timestamp": "1970-01-01T00:01:41+00:00",
        },
    ]
    missing = await gateway.client.get("/api/intakes/other/transcript", headers=auth(staff_token))
    assert missing.status_code == 404  # no intake, no transcript
    events = audit(gateway)
    assert [(e.action, e.target, e.details) for e in events] == [
        ("transcript.read", "conv-1", {"found": True, "messages": 2}),
        ("transcript.read", "other", {"found": False, "messages": 0}),
    ]


async def test_analyze_returns_the_contract_keys_and_is_audited(
    gateway: Gateway, staff_token: str
) -> None:
    text = "Shooting pain down my left leg from the lower back; I take warfarin."
    response = await gateway.client.post(
        "/api/analyze", json={"text": text}, headers=auth(staff_token)
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert {"body_regions", "symptoms", "red_flags", "triage_level", "suggested_conditions"} <= set(
        result
    )
    assert "anticoagulants" in {flag["id"] for flag in result["red_flags"]}
    (event,) = audit(gateway)
    assert (event.actor, event.action, event.details) == (
        "therapist1",
        "analyze",
        {"chars": len(text)},
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"text": ""}, "empty_text"),
        ({"text": "   "}, "empty_text"),
        ({"text": "x" * 20_001}, "text_too_long"),
        ({"text": 12}, "invalid_request"),
        ({"text": None}, "invalid_request"),
        ({}, "invalid_request"),
        (["text"], "invalid_request"),
    ],
)
async def test_analyze_rejects_bad_input_with_422(
    gateway: Gateway, staff_token: str, body: Any, code: str
) -> None:
    response = await gateway.client.post("/api/analyze", json=body, headers=auth(staff_token))
    assert response.status_code == 422
    assert response.json()["error"] == code
    assert response.json()["message"]


async def test_tokens_of_two_users_are_audited_as_each(gateway: Gateway) -> None:
    first = new_staff_token(gateway.engine, "alice")
    second = new_staff_token(gateway.engine, "bob")
    await gateway.client.get("/api/intakes", headers=auth(first))
    await gateway.client.get("/api/intakes", headers=auth(second))
    assert [e.actor for e in audit(gateway)] == ["alice", "bob"]
    with session_scope(gateway.engine) as session:
        assert create_api_token(session, username="alice").startswith(TOKEN_PREFIX)


async def test_a_lone_surrogate_is_a_422_not_a_500(gateway: Gateway, staff_token: str) -> None:
    raw = b'{"text": "chest pain \\ud800 now"}'
    response = await gateway.client.post(
        "/api/analyze",
        content=raw,
        headers={**auth(staff_token), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("offset", ["1000001", str(10**30), "-1"])
async def test_an_out_of_range_offset_is_a_422_not_a_500(
    gateway: Gateway, staff_token: str, offset: str
) -> None:
    response = await gateway.client.get(f"/api/intakes?offset={offset}", headers=auth(staff_token))
    assert response.status_code == 422, response.text
