"""Hand referral summaries to the intake database (``bot.store``).

One engine per action-server process, one short transaction per save. A failed
save raises ``SummaryNotSaved`` so the action can tell the patient; the log
line names the conversation only, never what the patient said.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.store import StoreError, get_intake, make_engine, save_referral, session_scope

logger = logging.getLogger(__name__)


class SummaryNotSavedError(RuntimeError):
    """The database could not store the summary (nothing was half-written)."""


@cache
def _engine() -> Engine:
    return make_engine()


def store_summary(summary: dict[str, Any], *, partial: bool, needs_staff: bool) -> str:
    """Save ``summary`` (idempotent per conversation) and return its reference number."""
    try:
        with session_scope(_engine()) as session:
            intake = save_referral(
                session, summary=summary, partial=partial, needs_staff=needs_staff
            )
            return str(intake.reference)
    except (SQLAlchemyError, StoreError, OSError) as error:
        logger.error(
            "could not save the intake of conversation %s: %s",
            summary.get("conversation_id"),
            type(error).__name__,
        )
        raise SummaryNotSavedError(str(summary.get("conversation_id"))) from error


def stored_reference(conversation_id: str) -> str | None:
    """The reference number of the conversation's stored intake (None if none or unreadable)."""
    try:
        with session_scope(_engine()) as session:
            intake = get_intake(session, conversation_id=conversation_id)
            return str(intake.reference) if intake is not None else None
    except (SQLAlchemyError, StoreError, OSError) as error:
        logger.warning(
            "could not read the intake of conversation %s: %s",
            conversation_id,
            type(error).__name__,
        )
        return None
