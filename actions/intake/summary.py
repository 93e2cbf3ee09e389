"""The referral summary (intake-contract.md section 3, schema_version "1") from the slots."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from actions.intake import flow

SCHEMA_VERSION = "1"


def flag_names(flags: list[Mapping[str, Any]], level: str) -> list[str]:
    """Plain names of the red flags at ``level`` ("blood clot", "recent surgery")."""
    return [
        str(f.get("name") or str(f["id"]).replace("_", " ")) for f in flags if f["level"] == level
    ]


def build_summary(
    *,
    conversation_id: str,
    slots: Mapping[str, Any],
    assessment: Mapping[str, Any],
    now: datetime.datetime,
) -> dict[str, Any]:
    """The referral summary for the therapist, combining the answers and the engine's assessment.

    Red flags raised during the conversation are merged with the assessment's,
    so nothing the patient said earlier is lost (the safer reading wins).
    """
    triage: Mapping[str, Any] = assessment.get("triage") or {}
    flags = flow.merge_red_flags(slots.get("red_flags") or [], triage.get("red_flags") or [])
    complaint = dict(assessment.get("complaint") or {})
    complaint.update(
        {
            "text": slots.get("chief_complaint"),
            "body_regions": slots.get("body_regions") or complaint.get("body_regions") or [],
            "symptoms": slots.get("symptoms") or complaint.get("symptoms") or [],
            "pain_level": slots.get("pain_level"),
            "duration_text": slots.get("pain_duration"),
            "duration_days": slots.get("duration_days"),
            "chronicity": slots.get("chronicity"),
            "onset_cause": slots.get("onset_cause"),
        }
    )
    history = dict(assessment.get("history") or {})
    history.update(
        {
            "diagnosis": slots.get("diagnosis"),
            "physician_referral": slots.get("physician_referral"),
            "referring_physician": slots.get("referring_physician"),
            "medical_history": slots.get("medical_history"),
            "medications": slots.get("medication_list") or history.get("medications") or [],
        }
    )
    insurance = slots.get("insurance")
    return {
        "schema_version": SCHEMA_VERSION,
        "conversation_id": conversation_id,
        "reference": None,
        "created_at": now.isoformat(),
        "status": "new",
        "patient": {
            "name": slots.get("patient_name"),
            "age": slots.get("age"),
            "contact": slots.get("contact"),
        },
        "complaint": complaint,
        "history": history,
        "goals": list(slots.get("goals") or []),
        "pressure_preference": slots.get("pressure_preference"),
        "insurance": {
            "provider": None if insurance in (None, "self_pay") else insurance,
            "self_pay": insurance == "self_pay",
        },
        "triage": {"level": flow.most_urgent([f["level"] for f in flags]), "red_flags": flags},
        "suggested_conditions": list(assessment.get("suggested_conditions") or []),
        "suggested_techniques": list(assessment.get("suggested_techniques") or []),
        "skipped": list(slots.get("skipped_slots") or []),
        # Answers kept as written after two tries (slot -> text), for the therapist.
        "unclear_answers": dict(slots.get("unclear_answers") or {}),
        "goals_text": slots.get("goals_text"),
        "handoff_requested": bool(slots.get("handoff_requested")),
    }
