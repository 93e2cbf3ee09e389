"""Transcripts read from a simulated Rasa tracker store (table ``events``)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Engine, Table, inspect

from bot.store.engine import session_scope
from bot.store.repository import load_transcript
from tests.store.factories import add_event

T0 = 1_780_000_000.0  # an epoch second in 2026


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat()


def test_missing_events_table_gives_an_empty_transcript(engine: Engine) -> None:
    assert not inspect(engine).has_table("events")
    with session_scope(engine) as session:
        assert load_transcript(session, "conv-1") == []
        # The transaction is still usable afterwards (PostgreSQL aborts on errors).
        assert load_transcript(session, "conv-1") == []


def test_unknown_conversation_gives_an_empty_transcript(engine: Engine, rasa_events: Table) -> None:
    add_event(engine, "someone-else", "user", T0, "hello")
    with session_scope(engine) as session:
        assert load_transcript(session, "conv-1") == []


def test_transcript_maps_senders_orders_by_time_and_skips_non_messages(
    engine: Engine, rasa_events: Table
) -> None:
    # Inserted out of order on purpose; ids do not follow time.
    add_event(engine, "conv-1", "bot", T0 + 2, "Hi! What brings you in today?")
    add_event(engine, "conv-1", "user", T0 + 1, "/greet", intent_name="greet")
    add_event(engine, "conv-1", "action", T0 + 1.5, name="action_listen")
    add_event(engine, "conv-1", "slot", T0 + 3, name="consent", value=True)
    add_event(engine, "conv-1", "user", T0 + 4, "My lower back hurts")
    add_event(engine, "conv-1", "bot", T0 + 5, None, buttons=[{"title": "Yes"}])  # no text
    add_event(engine, "conv-1", "bot", T0 + 6, "How bad is it, 0 to 10?")
    add_event(engine, "conv-1", "bot", T0 + 6, "Take your time.")  # same second: by id
    add_event(engine, "conv-2", "user", T0 + 4.5, "another patient")

    with session_scope(engine) as session:
        transcript = load_transcript(session, "conv-1")

    assert transcript == [
        {"sender": "patient", "text": "/greet", "timestamp": iso(T0 + 1)},
        {"sender": "bot", "text": "Hi! What brings you in today?", "timestamp": iso(T0 + 2)},
        {"sender": "patient", "text": "My lower back hurts", "timestamp": iso(T0 + 4)},
        {"sender": "bot", "text": "How bad is it, 0 to 10?", "timestamp": iso(T0 + 6)},
        {"sender": "bot", "text": "Take your time.", "timestamp": iso(T0 + 6)},
    ]
    assert datetime.fromisoformat(transcript[0]["timestamp"]).tzinfo is not None
