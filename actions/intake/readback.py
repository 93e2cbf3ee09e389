"""The summary the bot reads back before the patient confirms, in plain words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from actions import clinical
from actions.intake import messages
from actions.intake.flow import SLOT_LABELS

_GOAL_WORDS = {
    "pain_relief": "less pain",
    "range_of_motion": "moving more easily",
    "stress_reduction": "less stress",
    "injury_recovery": "recovering from an injury",
    "circulation": "better circulation",
    "other": "other goals",
}
_ONSET_WORDS = {
    "sports": "sport or exercise",
    "accident": "an accident or fall",
    "surgery": "surgery",
    "repetitive_strain": "repetitive movements",
    "posture": "posture",
    "stress": "stress",
    "gradual_unknown": "came on by itself",
    "other": "something else",
}
_PRESSURE_WORDS = {
    "light": "light",
    "medium": "medium",
    "firm": "firm",
    "no_preference": "no preference",
}


def _yes_no(value: Any) -> str:
    return {True: "yes", False: "no"}.get(value, "not given")


def _shown(value: Any) -> str:
    return "not given" if value in (None, "", []) else str(value)


def summary_lines(slots: Mapping[str, Any]) -> list[str]:
    """One "Label: value" line per intake answer, in the order they were asked."""
    skipped = set(slots.get("skipped_slots") or [])
    regions = clinical.describe_regions(list(slots.get("body_regions") or []))
    complaint = _shown(slots.get("chief_complaint"))
    if regions:
        complaint = f"{complaint} ({regions})"
    pain = slots.get("pain_level")
    duration = slots.get("pain_duration")
    values: dict[str, str] = {
        "patient_name": _shown(slots.get("patient_name")),
        "age": _shown(slots.get("age")),
        "contact": _shown(slots.get("contact")),
        "chief_complaint": complaint,
        "pain_level": f"{pain} out of 10" if pain is not None else "not given",
        "pain_duration": _shown(duration),
        "onset_cause": _ONSET_WORDS.get(str(slots.get("onset_cause")), "not given"),
        "diagnosis": _shown(slots.get("diagnosis")),
        "physician_referral": _yes_no(slots.get("physician_referral")),
        "medical_history": _shown(slots.get("medical_history")),
        "medications": _shown(slots.get("medications")),
        "goals": ", ".join(_GOAL_WORDS.get(g, g) for g in slots.get("goals") or []) or "not given",
        "pressure_preference": _PRESSURE_WORDS.get(
            str(slots.get("pressure_preference")), "not given"
        ),
        "insurance": "self-pay"
        if slots.get("insurance") == "self_pay"
        else _shown(slots.get("insurance")),
    }
    if slots.get("physician_referral") is True:
        values["physician_referral"] = f"yes, from {_shown(slots.get('referring_physician'))}"
    unclear = slots.get("unclear_answers") or {}
    lines = []
    for slot, label in SLOT_LABELS.items():
        if slot == "referring_physician":
            continue
        shown = "skipped" if slot in skipped else values[slot]
        if isinstance(unclear, Mapping) and slot in unclear:
            shown = f'"{unclear[slot]}" (noted as you wrote it)'
        lines.append(f"• {label}: {shown}")
    return lines


def suggestion_lines(assessment: Mapping[str, Any], *, limit: int = 3) -> list[str]:
    """What the therapist may look into and may use, worded as suggestions, never a diagnosis."""
    conditions: Sequence[Mapping[str, Any]] = assessment.get("suggested_conditions") or []
    techniques: Sequence[Mapping[str, Any]] = assessment.get("suggested_techniques") or []
    lines: list[str] = []
    if conditions:
        names = ", ".join(str(c["name"]) for c in conditions[:limit])
        lines.append(f"Your therapist may look into (not a diagnosis): {names}.")
    if techniques:
        names = ", ".join(str(t["name"]) for t in techniques[:limit])
        lines.append(f"Techniques they may consider: {names}.")
    return lines


def readback(slots: Mapping[str, Any], assessment: Mapping[str, Any] | None = None) -> str:
    """The full read-back: the answers, then the suggestions when there are any."""
    parts = [messages.text("summary.intro"), *summary_lines(slots)]
    if assessment:
        parts.extend(suggestion_lines(assessment))
    return "\n".join(parts)
