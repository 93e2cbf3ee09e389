"""``POST /api/analyze {"text"}``: the clinical engine on pasted notes (staff only, audited)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from bot.store import record_audit, session_scope
from bot.web.deps import ServicesDep, StaffDep
from bot.web.errors import ApiError
from bot.web.inputs import PlainText

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["staff"])


class AnalyzeIn(BaseModel):
    """Free text to analyse (e.g. a referral letter or notes)."""

    model_config = ConfigDict(extra="ignore")

    text: PlainText


@router.post("/analyze")
def analyze_text(body: AnalyzeIn, services: ServicesDep, username: StaffDep) -> dict[str, Any]:
    """Body regions, symptoms, red flags, triage level and suggested conditions of ``text``."""
    from actions.clinical import analyze  # loads spaCy on first use, not at import

    text = body.text.strip()
    limit = services.settings.max_analyze_chars
    if not text:
        raise ApiError(422, "empty_text", "Please paste some text to analyse.")
    if len(text) > limit:
        raise ApiError(
            422,
            "text_too_long",
            f"That text is too long to analyse. Please keep it under {limit} characters.",
            extra={"max_chars": limit},
        )
    result = analyze(text)
    with session_scope(services.engine) as session:
        record_audit(session, actor=username, action="analyze", details={"chars": len(text)})
    return result
