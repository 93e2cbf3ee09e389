"""Retention: delete old intakes, their Rasa transcripts and chat replies."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, or_, select
from sqlalchemy.orm import Session

from bot.store.audit import record_audit
from bot.store.columns import utcnow
from bot.store.errors import ValidationError
from bot.store.models import ChatReply, Intake
from bot.store.transcripts import RASA_EVENTS, rasa_events_exist

__all__ = ["purge_older_than"]

log = logging.getLogger(__name__)


def _rowcount(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount)


def purge_older_than(session: Session, *, days: int, actor: str) -> int:
    """Delete everything older than ``days`` days; return the number of intakes deleted.

    Deleted, in one transaction:

    - intakes created before the cutoff;
    - Rasa ``events`` of those intakes' conversations, and of conversations
      whose last event is older than the cutoff (abandoned chats, declined
      consent) unless a newer intake still refers to them;
    - chat replies created before the cutoff or belonging to a purged intake.

    One audit event ``intake.purge`` records the counts (no ids, no text).
    """
    if days < 1:
        raise ValidationError("days must be at least 1")
    cutoff = utcnow() - timedelta(days=days)
    old_conversations = select(Intake.conversation_id).where(Intake.created_at < cutoff)
    kept_conversations = select(Intake.conversation_id).where(Intake.created_at >= cutoff)

    events_deleted = conversations = 0
    if rasa_events_exist(session):
        ev = RASA_EVENTS.c
        stale = (
            select(ev.sender_id)
            .group_by(ev.sender_id)
            .having(func.max(ev.timestamp) < cutoff.timestamp())
        )
        doomed = or_(ev.sender_id.in_(old_conversations), ev.sender_id.in_(stale)) & (
            ev.sender_id.not_in(kept_conversations)
        )
        conversations = session.execute(
            select(func.count(func.distinct(ev.sender_id))).where(doomed)
        ).scalar_one()
        events_deleted = _rowcount(session.execute(delete(RASA_EVENTS).where(doomed)))

    replies_deleted = _rowcount(
        session.execute(
            delete(ChatReply)
            .where(
                or_(ChatReply.created_at < cutoff, ChatReply.conversation_id.in_(old_conversations))
            )
            .execution_options(synchronize_session=False)
        )
    )
    intakes_deleted = _rowcount(
        session.execute(
            delete(Intake)
            .where(Intake.created_at < cutoff)
            .execution_options(synchronize_session=False)
        )
    )
    counts = {
        "older_than_days": days,
        "intakes": intakes_deleted,
        "conversations": conversations,
        "events": events_deleted,
        "chat_replies": replies_deleted,
    }
    record_audit(session, actor=actor, action="intake.purge", details=counts)
    log.info("purge older than %d days: %s", days, counts)
    return intakes_deleted
