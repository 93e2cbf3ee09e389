"""Staff JSON API, read side: intake summaries and transcripts (every read is audited).

GET /api/intakes?status=&triage=&q=&limit=&offset=   -> [summary, ...]
GET /api/intakes/{conversation_id}                   -> summary
GET /api/intakes/{conversation_id}/transcript        -> [{"sender", "text", "timestamp"}]
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from bot.store import (
    TranscriptEntry,
    ValidationError,
    get_intake,
    list_intakes,
    load_transcript,
    record_audit,
    session_scope,
)
from bot.store.intakes import MAX_LIST_LIMIT
from bot.web.deps import ServicesDep, StaffDep
from bot.web.errors import ApiError

__all__ = ["router"]

#: Past this an offset is not a page anyone reads (and a huge one overflows SQL).
MAX_OFFSET = 1_000_000

router = APIRouter(prefix="/api/intakes", tags=["staff"])


def _not_found() -> ApiError:
    return ApiError(404, "not_found", "No intake with that conversation id.")


def _entry(entry: TranscriptEntry) -> dict[str, str]:
    return {"sender": entry["sender"], "text": entry["text"], "timestamp": entry["timestamp"]}


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


@router.get("")
def intakes(
    services: ServicesDep,
    username: StaffDep,
    status: str | None = None,
    triage: str | None = None,
    q: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[dict[str, Any]]:
    """Referral summaries, newest first, filtered by status, triage level and search text."""
    status, triage, search = _blank_to_none(status), _blank_to_none(triage), _blank_to_none(q)
    filters = {"status": status, "triage": triage}
    with session_scope(services.engine) as session:
        try:
            found = list_intakes(
                session, status=status, triage=triage, q=search, limit=limit, offset=offset
            )
        except ValidationError as error:
            raise ApiError(422, "invalid_filter", str(error)) from None
        record_audit(
            session,
            actor=username,
            action="intake.list",
            # The search text may be a patient's name: record only that there was one.
            details={**filters, "q": search is not None, "count": len(found)},
        )
        return [intake.summary for intake in found]


@router.get("/{conversation_id}")
def intake(conversation_id: str, services: ServicesDep, username: StaffDep) -> dict[str, Any]:
    """The referral summary of one conversation."""
    with session_scope(services.engine) as session:
        found = get_intake(session, conversation_id=conversation_id)
        record_audit(
            session,
            actor=username,
            action="intake.read",
            target=conversation_id,
            details={"found": found is not None},
        )
    if found is None:  # raised after the commit, so the audit row is kept
        raise _not_found()
    return found.summary


@router.get("/{conversation_id}/transcript")
def transcript(
    conversation_id: str, services: ServicesDep, username: StaffDep
) -> list[dict[str, str]]:
    """The patient and bot messages of a conversation that has an intake."""
    with session_scope(services.engine) as session:
        found = get_intake(session, conversation_id=conversation_id)
        entries = load_transcript(session, conversation_id) if found is not None else []
        record_audit(
            session,
            actor=username,
            action="transcript.read",
            target=conversation_id,
            details={"found": found is not None, "messages": len(entries)},
        )
    if found is None:
        raise _not_found()
    return [_entry(e) for e in entries]
