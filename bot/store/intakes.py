"""Referral summaries: saving (idempotent per conversation), reading, listing."""

from __future__ import annotations

import copy
import logging
from typing import Any

from sqlalchemy import ColumnElement, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.audit import record_audit
from bot.store.columns import utcnow
from bot.store.errors import ValidationError
from bot.store.models import INTAKE_STATUSES, TRIAGE_LEVELS, Intake, ReferenceCounter

__all__ = [
    "MAX_LIST_LIMIT",
    "REFERENCE_PREFIX",
    "format_reference",
    "get_intake",
    "keep_earlier_danger_signs",
    "list_intakes",
    "save_referral",
    "set_status",
]

log = logging.getLogger(__name__)

REFERENCE_PREFIX = "MM"
MAX_LIST_LIMIT = 500


def format_reference(year: int, number: int) -> str:
    """Return the human-friendly reference, e.g. ``MM-2026-000123``."""
    return f"{REFERENCE_PREFIX}-{year:04d}-{number:06d}"


def _next_number(session: Session, year: int) -> int:
    """Allocate the next reference number of ``year``.

    ``UPDATE ... RETURNING`` row-locks the year's counter (PostgreSQL) or runs
    under the file's write lock (SQLite), so concurrent transactions get
    distinct numbers; the first number of a year races on the primary key and
    the loser retries the update.
    """
    bump = (
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last_value=ReferenceCounter.last_value + 1)
        .returning(ReferenceCounter.last_value)
    )
    number = session.execute(bump).scalar_one_or_none()
    if number is not None:
        return number
    try:
        with session.begin_nested():
            session.execute(insert(ReferenceCounter).values(year=year, last_value=1))
        return 1
    except IntegrityError:
        return session.execute(bump).scalar_one()


def _triage_level(summary: dict[str, Any]) -> str | None:
    triage = summary.get("triage")
    level = triage.get("level") if isinstance(triage, dict) else None
    return level if level in TRIAGE_LEVELS else None


def _top_condition(summary: dict[str, Any]) -> str | None:
    conditions = summary.get("suggested_conditions")
    if isinstance(conditions, list) and conditions and isinstance(conditions[0], dict):
        top = conditions[0].get("id")
        return str(top) if top else None
    return None


def _find(session: Session, conversation_id: str) -> Intake | None:
    return session.scalars(
        select(Intake).where(Intake.conversation_id == conversation_id)
    ).one_or_none()


def _red_flags(summary: dict[str, Any]) -> list[dict[str, Any]]:
    triage = summary.get("triage")
    flags = triage.get("red_flags") if isinstance(triage, dict) else None
    return [f for f in flags if isinstance(f, dict)] if isinstance(flags, list) else []


def _more_urgent(first: str | None, second: str | None) -> str | None:
    """The more urgent of two triage levels (unknown or missing counts as least urgent)."""
    known = [level for level in (first, second) if level in TRIAGE_LEVELS]
    return min(known, key=TRIAGE_LEVELS.index) if known else None


def keep_earlier_danger_signs(earlier: dict[str, Any], later: dict[str, Any]) -> dict[str, Any]:
    """``later`` with the red flags and triage level of ``earlier`` it would otherwise drop.

    A partial intake is stored when an emergency stops the conversation; if the
    patient then starts over and completes the intake without repeating the
    danger sign, the complete summary must still carry it (and its level), or
    the therapist would never see it. Flags are matched by ``id``; later
    evidence for the same flag wins.
    """
    merged = copy.deepcopy(later)
    flags = _red_flags(merged)
    seen = {f.get("id") for f in flags}
    flags += [copy.deepcopy(f) for f in _red_flags(earlier) if f.get("id") not in seen]
    level = _more_urgent(_triage_level(earlier), _triage_level(merged))
    triage = merged.get("triage")
    merged["triage"] = {
        **(triage if isinstance(triage, dict) else {}),
        "red_flags": flags,
        **({"level": level} if level else {}),
    }
    return merged


def _complete_partial(intake: Intake, summary: dict[str, Any], *, needs_staff: bool) -> None:
    """Replace a partial intake's summary by a complete one, keeping its identity
    and every danger sign the partial one recorded."""
    stored = keep_earlier_danger_signs(intake.summary, summary)
    stored.update(
        conversation_id=intake.conversation_id,
        reference=intake.reference,
        created_at=intake.summary.get("created_at"),
        status=intake.status,
        partial=False,
        needs_staff=intake.needs_staff or needs_staff,
    )
    intake.summary = stored
    intake.partial = False
    intake.needs_staff = bool(stored["needs_staff"])
    intake.triage_level = _triage_level(stored)
    intake.top_condition = _top_condition(stored)
    intake.updated_at = utcnow()
    log.info("intake %s: partial intake completed", intake.reference)


def _existing(
    session: Session,
    conversation_id: str,
    summary: dict[str, Any],
    *,
    partial: bool,
    needs_staff: bool,
) -> Intake | None:
    intake = _find(session, conversation_id)
    if intake is not None and intake.partial and not partial:
        _complete_partial(intake, summary, needs_staff=needs_staff)
        session.flush()
    return intake


def save_referral(
    session: Session,
    *,
    summary: dict[str, Any],
    partial: bool = False,
    needs_staff: bool = False,
) -> Intake:
    """Store the referral summary of a conversation and return its intake.

    Idempotent per ``summary["conversation_id"]``: a retried or concurrent
    second submit returns the existing intake (first write wins) and never
    creates a second one. The one exception is a complete summary arriving
    for a *partial* intake, which replaces the partial summary in place
    (same reference). Concurrency relies on the UNIQUE constraint: the insert
    runs in a savepoint and an ``IntegrityError`` falls back to the row the
    other transaction committed.

    The stored summary is a copy of ``summary`` with ``reference``,
    ``created_at`` (ISO-8601, UTC), ``status``, ``partial`` and
    ``needs_staff`` filled in. An ``emergency`` triage level always sets
    ``needs_staff``.
    """
    conversation_id = summary.get("conversation_id")
    if not isinstance(conversation_id, str) or not conversation_id.strip():
        raise ValidationError("summary needs a non-empty 'conversation_id'")
    triage_level = _triage_level(summary)
    needs_staff = needs_staff or triage_level == "emergency"

    found = _existing(session, conversation_id, summary, partial=partial, needs_staff=needs_staff)
    if found is not None:
        log.info("intake %s: already stored for conversation %s", found.reference, conversation_id)
        return found

    now = utcnow()
    stored = copy.deepcopy(summary)
    stored.setdefault("schema_version", "1")
    try:
        with session.begin_nested():
            reference = format_reference(now.year, _next_number(session, now.year))
            stored.update(
                reference=reference,
                created_at=now.isoformat(),
                status="new",
                partial=partial,
                needs_staff=needs_staff,
            )
            intake = Intake(
                conversation_id=conversation_id,
                reference=reference,
                status="new",
                triage_level=triage_level,
                top_condition=_top_condition(stored),
                created_at=now,
                updated_at=now,
                partial=partial,
                needs_staff=needs_staff,
                summary=stored,
            )
            session.add(intake)
    except IntegrityError:
        found = _existing(
            session, conversation_id, summary, partial=partial, needs_staff=needs_staff
        )
        if found is None:  # the conflict was not on conversation_id
            raise
        log.info(
            "intake %s: concurrent submit for conversation %s resolved to the stored intake",
            found.reference,
            conversation_id,
        )
        return found
    log.info(
        "intake %s: stored for conversation %s (triage=%s, partial=%s, needs_staff=%s)",
        reference,
        conversation_id,
        triage_level,
        partial,
        needs_staff,
    )
    return intake


def get_intake(session: Session, *, conversation_id: str) -> Intake | None:
    """Return the intake of ``conversation_id``, or None.

    Reading is not audited here: the caller knows the actor and records
    ``intake.read`` with :func:`bot.store.repository.record_audit`.
    """
    return _find(session, conversation_id)


def _search(q: str) -> ColumnElement[bool]:
    term = q.strip()
    name = Intake.summary[("patient", "name")].as_string()
    complaint = Intake.summary[("complaint", "text")].as_string()
    return or_(
        Intake.reference.icontains(term, autoescape=True),
        Intake.conversation_id == term,
        name.icontains(term, autoescape=True),
        complaint.icontains(term, autoescape=True),
    )


def list_intakes(
    session: Session,
    *,
    status: str | None = None,
    triage: str | None = None,
    q: str | None = None,
    needs_staff: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Intake]:
    """Return intakes, newest first, filtered by status, triage level and text.

    ``q`` matches (case-insensitively, as a substring) the reference, the
    patient's name and the complaint text, or equals the conversation id.
    ``limit`` is capped at :data:`MAX_LIST_LIMIT`.
    """
    if status is not None and status not in INTAKE_STATUSES:
        raise ValidationError(f"unknown status {status!r}; use one of {', '.join(INTAKE_STATUSES)}")
    if triage is not None and triage not in TRIAGE_LEVELS:
        raise ValidationError(
            f"unknown triage level {triage!r}; use one of {', '.join(TRIAGE_LEVELS)}"
        )
    if limit < 1 or offset < 0:
        raise ValidationError("limit must be >= 1 and offset >= 0")
    stmt = select(Intake)
    if status is not None:
        stmt = stmt.where(Intake.status == status)
    if triage is not None:
        stmt = stmt.where(Intake.triage_level == triage)
    if needs_staff is not None:
        stmt = stmt.where(Intake.needs_staff.is_(needs_staff))
    if q and q.strip():
        stmt = stmt.where(_search(q))
    stmt = stmt.order_by(Intake.created_at.desc(), Intake.id.desc())
    return list(session.scalars(stmt.limit(min(limit, MAX_LIST_LIMIT)).offset(offset)))


def set_status(
    session: Session, *, conversation_id: str, status: str, actor: str = "system"
) -> Intake | None:
    """Set an intake's status (``new|reviewed|archived``), audited as ``intake.status``.

    Returns the intake, or None when the conversation has none.
    """
    if status not in INTAKE_STATUSES:
        raise ValidationError(f"unknown status {status!r}; use one of {', '.join(INTAKE_STATUSES)}")
    intake = _find(session, conversation_id)
    if intake is None:
        return None
    previous = intake.status
    if previous != status:
        intake.status = status
        intake.summary = {**intake.summary, "status": status}
        intake.updated_at = utcnow()
    record_audit(
        session,
        actor=actor,
        action="intake.status",
        target=intake.reference,
        details={"from": previous, "to": status},
    )
    session.flush()
    return intake
