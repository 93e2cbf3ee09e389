"""Retention purge: intakes, Rasa events and chat replies older than N days, audited."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import Engine, Table, func, select, update

from bot.store.columns import utcnow
from bot.store.engine import session_scope
from bot.store.errors import ValidationError
from bot.store.models import AuditEvent, ChatReply, Intake
from bot.store.repository import purge_older_than, save_referral
from tests.store.factories import add_event, summary_for

DAY = 86_400.0


def make_old(engine: Engine, conversation_id: str, days: float) -> None:
    """Backdate an intake (the store always stamps "now")."""
    with session_scope(engine) as session:
        session.execute(
            update(Intake)
            .where(Intake.conversation_id == conversation_id)
            .values(created_at=utcnow() - timedelta(days=days))
        )


def add_reply(engine: Engine, conversation_id: str, message_id: str, days_old: float) -> None:
    with session_scope(engine) as session:
        session.add(
            ChatReply(
                conversation_id=conversation_id,
                client_message_id=message_id,
                status="done",
                replies=[{"text": "ok"}],
                created_at=utcnow() - timedelta(days=days_old),
            )
        )


def remaining(engine: Engine, table: Table) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(table.c.sender_id, func.count()).group_by(table.c.sender_id)
        ).all()
    return {sender: count for sender, count in rows}


def test_purge_deletes_old_intakes_events_and_replies_and_audits_counts(
    engine: Engine, rasa_events: Table
) -> None:
    now = time.time()
    with session_scope(engine) as session:
        for conversation_id in ("old", "recent", "long"):
            save_referral(session, summary=summary_for(conversation_id, name="Ada Lovelace"))
    make_old(engine, "old", 40)
    make_old(engine, "long", 10)
    # "old": an intake of 40 days ago with its conversation.
    add_event(engine, "old", "user", now - 41 * DAY, "my knee")
    add_event(engine, "old", "bot", now - 40 * DAY, "thanks")
    # "recent": kept entirely.
    add_event(engine, "recent", "user", now - 1 * DAY, "my neck")
    # "long": a kept intake whose conversation started before the cutoff keeps every event.
    add_event(engine, "long", "user", now - 35 * DAY, "hello")
    add_event(engine, "long", "user", now - 10 * DAY, "back again")
    # Abandoned conversations without an intake: the stale one goes, the fresh one stays.
    add_event(engine, "abandoned-stale", "user", now - 60 * DAY, "I changed my mind")
    add_event(engine, "abandoned-stale", "bot", now - 59 * DAY, "no problem")
    add_event(engine, "abandoned-fresh", "user", now - 2 * DAY, "hi")
    add_reply(engine, "old", "m1", 40)
    add_reply(engine, "old", "m2", 3)  # belongs to a purged intake
    add_reply(engine, "recent", "m1", 45)  # stale retry cache of a kept conversation
    add_reply(engine, "recent", "m2", 1)

    with session_scope(engine) as session:
        assert purge_older_than(session, days=30, actor="alice") == 1

    with session_scope(engine) as session:
        kept = session.scalars(select(Intake.conversation_id).order_by(Intake.id)).all()
        replies = session.execute(
            select(ChatReply.conversation_id, ChatReply.client_message_id)
        ).all()
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "intake.purge")).all()
    assert kept == ["recent", "long"]
    assert remaining(engine, rasa_events) == {"recent": 1, "long": 2, "abandoned-fresh": 1}
    assert [tuple(row) for row in replies] == [("recent", "m2")]
    assert len(audit) == 1
    assert audit[0].actor == "alice"
    assert audit[0].target is None
    assert audit[0].details == {  # counts only: no conversation ids, no names
        "older_than_days": 30,
        "intakes": 1,
        "conversations": 2,
        "events": 4,
        "chat_replies": 3,
    }


def test_purge_without_rasa_table_and_nothing_old(engine: Engine) -> None:
    with session_scope(engine) as session:
        save_referral(session, summary=summary_for("fresh"))
    with session_scope(engine) as session:
        assert purge_older_than(session, days=1, actor="system") == 0
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Intake)) == 1
        details = session.scalars(select(AuditEvent.details)).one()
    assert details == {
        "older_than_days": 1,
        "intakes": 0,
        "conversations": 0,
        "events": 0,
        "chat_replies": 0,
    }


@pytest.mark.parametrize("days", [0, -5])
def test_purge_needs_at_least_one_day(engine: Engine, days: int) -> None:
    with pytest.raises(ValidationError), session_scope(engine) as session:
        purge_older_than(session, days=days, actor="system")
