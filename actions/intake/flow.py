"""Which intake questions are still open, and which messages are answers.

Pure functions over plain values; the rasa-sdk glue in ``actions/intake_form.py``
feeds them the tracker's slots and the latest message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from actions.questions import QUESTIONS

# The contract's order, the required questions and their plain names all come from
# the one question registry (``actions/questions.py``).
FORM_SLOTS: tuple[str, ...] = tuple(q.slot for q in QUESTIONS)

# Needed to book safely: these can't be skipped.
REQUIRED_SLOTS: frozenset[str] = frozenset(q.slot for q in QUESTIONS if q.required)

# Plain names for the questions, used when listing and correcting.
SLOT_LABELS: dict[str, str] = {q.slot: q.label for q in QUESTIONS if q.label}

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


#: The clarifying yes/no question asked when a message may describe something urgent.
URGENCY_SLOT = "urgency_check"
#: The urgency question put when the pending sign is about the patient's safety.
SAFETY_QUESTION = "urgency_check_safety"
#: The safety checklist: "right now, are you having any of these?" with a button per sign.
CHECKLIST_QUESTION = "urgency_check_checklist"
#: What the checklist waits on: a sign's button raises that sign; a plain "yes" raises
#: ``reported_emergency``; "no" raises nothing.
CHECKLIST_PENDING: Mapping[str, Any] = {
    "flag": "reported_emergency",
    "otherwise": None,
    "evidence": "",
    "question": "checklist",
}


def urgency_question(slots: Mapping[str, Any]) -> str:
    """Which urgency question is put: "happening now?", the safety one or the checklist."""
    pending = slots.get("urgency_pending")
    question = pending.get("question") if isinstance(pending, Mapping) else None
    return {"safety": SAFETY_QUESTION, "checklist": CHECKLIST_QUESTION}.get(
        str(question), URGENCY_SLOT
    )


def checklist_due(slots: Mapping[str, Any]) -> bool:
    """Whether to put the safety checklist now: once, right after the main problem.

    Not when another danger question is open or was answered this intake (the patient
    has had one), nor before consent or after an emergency stop.
    """
    return (
        slots.get("consent") is True
        and bool(slots.get("chief_complaint"))
        and slots.get("triage_level") != "emergency"
        and not slots.get("urgency_pending")
        and slots.get("urgency_check") is None
    )


#: No question is asked more than this many times in a row (the no-dead-ends rule).
MAX_ASKS_IN_A_ROW = 2


def remaining_slots(slots: Mapping[str, Any]) -> list[str]:
    """The form's required slots right now, given what is known.

    Empty when the intake must end: consent declined or an emergency. The
    referring doctor is asked only after a "yes" to the referral question, and
    skipped questions drop out.
    """
    if slots.get("consent") is False or slots.get("triage_level") == "emergency":
        return []
    skipped = set(slots.get("skipped_slots") or []) | set(slots.get("unclear_answers") or {})
    wanted: list[str] = []
    for slot in FORM_SLOTS:
        if slot in skipped:
            continue
        if slot == "referring_physician" and slots.get("physician_referral") is not True:
            continue
        wanted.append(slot)
    return wanted


def next_question(slots: Mapping[str, Any]) -> str | None:
    """The first remaining slot without a value, or None when the form is done.

    A pending urgency question ("is this happening right now?") comes first.
    """
    remaining = remaining_slots(slots)
    if remaining and slots.get("urgency_pending"):
        return URGENCY_SLOT
    return next((s for s in remaining if slots.get(s) is None), None)


def times_in_a_row(streak: object, slot: str | None) -> int:
    """How many times ``slot`` will have been asked in a row if asked now.

    ``streak`` is the ``ask_streak`` slot: ``{"slot": name, "count": n}`` for the
    question asked last (anything else counts as no streak).
    """
    if not slot:
        return 0
    if isinstance(streak, Mapping) and streak.get("slot") == slot:
        try:
            return int(streak.get("count") or 0) + 1
        except (TypeError, ValueError):
            return 1
    return 1


def give_up_value(slot: str) -> dict[str, Any]:
    """Slot values that close a question asked twice without a usable answer.

    Most questions are simply left for the therapist (marked unclear). A few
    must be closed in the safe direction: consent not given keeps nothing, an
    unanswered urgency question counts as "yes, now", and an unconfirmed
    read-back is sent as it stands (marked unclear) so the intake reaches the clinic.
    """
    if slot == "consent":
        return {"consent": False}
    if slot == "summary_confirmed":
        return {"summary_confirmed": True}
    return {}


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
