"""Which intake questions are still open, and which messages are answers.

Pure functions over plain values; the rasa-sdk glue in ``actions/intake_form.py``
feeds them the tracker's slots and the latest message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The contract's order (intake-contract.md, section 1).
FORM_SLOTS: tuple[str, ...] = (
    "consent",
    "patient_name",
    "age",
    "contact",
    "chief_complaint",
    "pain_level",
    "pain_duration",
    "onset_cause",
    "diagnosis",
    "physician_referral",
    "referring_physician",
    "medical_history",
    "medications",
    "goals",
    "pressure_preference",
    "insurance",
    "summary_confirmed",
)

# Needed to book safely: these can't be skipped.
REQUIRED_SLOTS: frozenset[str] = frozenset(
    {
        "consent",
        "patient_name",
        "age",
        "contact",
        "chief_complaint",
        "pain_level",
        "medical_history",
        "medications",
        "summary_confirmed",
    }
)

# Plain names for the questions, used when listing and correcting.
SLOT_LABELS: dict[str, str] = {
    "patient_name": "Name",
    "age": "Age",
    "contact": "Contact",
    "chief_complaint": "Main problem",
    "pain_level": "Pain level",
    "pain_duration": "How long",
    "onset_cause": "What started it",
    "diagnosis": "Doctor's diagnosis",
    "physician_referral": "Referral",
    "referring_physician": "Referring doctor",
    "medical_history": "Health conditions",
    "medications": "Medicines",
    "goals": "Goals",
    "pressure_preference": "Pressure",
    "insurance": "Insurance",
}

# Intents that are not answers: the form rejects the message and a rule replies.
INTERRUPTION_INTENTS: frozenset[str] = frozenset(
    {
        "faq",
        "ask_why",
        "ask_skip",
        "start_over",
        "human_handoff",
        "out_of_scope",
        "bot_challenge",
        "thank",
        "goodbye",
        "emergency",
        "greet",
    }
)

# Below this confidence an interruption intent is not trusted over an answer
# that fits the open question.
INTERRUPTION_CONFIDENCE = 0.8

TRIAGE_ORDER: tuple[str, ...] = ("emergency", "physician_clearance", "caution", "routine")


def is_skippable(slot: str) -> bool:
    """Whether the patient may skip the question for ``slot``."""
    return slot in FORM_SLOTS and slot not in REQUIRED_SLOTS


def required_questions() -> list[str]:
    """Plain names of the questions that can't be skipped, in asking order."""
    return [SLOT_LABELS[s] for s in FORM_SLOTS if s in REQUIRED_SLOTS and s in SLOT_LABELS]


def remaining_slots(slots: Mapping[str, Any]) -> list[str]:
    """The form's required slots right now, given what is known.

    Empty when the intake must end: consent declined or an emergency. The
    referring doctor is asked only after a "yes" to the referral question, and
    skipped questions drop out.
    """
    if slots.get("consent") is False or slots.get("triage_level") == "emergency":
        return []
    skipped = set(slots.get("skipped_slots") or [])
    wanted: list[str] = []
    for slot in FORM_SLOTS:
        if slot in skipped:
            continue
        if slot == "referring_physician" and slots.get("physician_referral") is not True:
            continue
        wanted.append(slot)
    return wanted


def next_question(slots: Mapping[str, Any]) -> str | None:
    """The first remaining slot without a value, or None when the form is done."""
    return next((s for s in remaining_slots(slots) if slots.get(s) is None), None)


def is_interruption(intent: str | None, confidence: float, *, answer_fits: bool) -> bool:
    """Whether a message is an interruption rather than an answer to the open question.

    A confident interruption intent wins. A less confident one loses to an
    answer that parses for the question being asked ("7" to the pain question).
    """
    if intent not in INTERRUPTION_INTENTS:
        return False
    return confidence >= INTERRUPTION_CONFIDENCE or not answer_fits


def most_urgent(levels: Sequence[str]) -> str:
    """The most urgent triage level among ``levels`` (``routine`` when empty)."""
    known = [lvl for lvl in levels if lvl in TRIAGE_ORDER]
    return min(known, key=TRIAGE_ORDER.index) if known else "routine"


def merge_red_flags(
    existing: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Union of red flags by id, keeping the first evidence seen and the more urgent level.

    Flags are never dropped by a later answer: a contradiction keeps the safer reading.
    """
    merged: dict[str, dict[str, Any]] = {}
    for flag in [*existing, *new]:
        flag_id = str(flag.get("id"))
        if flag_id not in merged:
            merged[flag_id] = dict(flag)
        elif most_urgent([str(flag.get("level")), str(merged[flag_id].get("level"))]) != merged[
            flag_id
        ].get("level"):
            merged[flag_id] = {**merged[flag_id], "level": flag.get("level")}
    return sorted(merged.values(), key=lambda f: TRIAGE_ORDER.index(str(f.get("level"))))
