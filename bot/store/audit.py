"""The audit trail: who read, changed or deleted what."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from bot.store.models import AuditEvent

__all__ = ["SYSTEM_ACTOR", "record_audit"]

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session's transaction and return it.

    ``actor`` is a staff username or ``system``; ``action`` a dotted verb such
    as ``intake.read``; ``target`` an id or reference. ``details`` must hold
    ids, counts and flags only: never patient text (it is kept longer than
    the intakes it describes).
    """
    event = AuditEvent(actor=actor, action=action, target=target, details=details)
    session.add(event)
    log.debug("audit: %s %s %s", actor, action, target)
    return event
