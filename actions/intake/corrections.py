"""Reading the patient's reply to the summary: a yes, a plain no, or a correction.

"no, the pain is in my right shoulder" changes the complaint; "my age is wrong"
re-asks the age; a plain "no" asks what to change.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from actions import clinical
from actions.intake import answers, parsing
from actions.intake.flow import SLOT_LABELS

# Words that name a question, so "the insurance is wrong" re-asks the insurance.
_FIELD_WORDS: tuple[tuple[str, str], ...] = (
    ("patient_name", r"\bname\b"),
    ("age", r"\b(age|years? old|how old)\b"),
    ("contact", r"\b(contact|e-?mail|phone|number|mobile|cell)\b"),
    ("pain_level", r"\b(pain (level|score)|level|score|out of 10|/10)\b"),
    ("pain_duration", r"\b(how long|duration|since|weeks?|months?|years?|days?)\b"),
    ("onset_cause", r"\b(cause|caused|started|start|began)\b"),
    ("diagnosis", r"\b(diagnos\w*)\b"),
    ("physician_referral", r"\b(referral|prescription|referred)\b"),
    ("medical_history", r"\b(health conditions?|history|conditions?)\b"),
    ("medications", r"\b(medicines?|medications?|meds|pills?|tablets?)\b"),
    ("goals", r"\b(goals?)\b"),
    ("pressure_preference", r"\b(pressure)\b"),
    ("insurance", r"\b(insurance|insurer|self[- ]?pay)\b"),
    ("chief_complaint", r"\b(problem|complaint|where it hurts)\b"),
)

_LEAD_IN = re.compile(
    r"^\s*(no+|nope|not quite|not really|wrong|incorrect|actually|sorry|oops|"
    r"that'?s (not right|wrong)|(it'?s|that'?s) not)\b[\s,.!:;-]*",
    re.IGNORECASE,
)


_SAYS_WRONG = re.compile(
    r"^\s*(wrong|incorrect|not right|not correct|off|a mistake|mistaken)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class SummaryReply:
    """What the patient's reply to the read-back asks for."""

    confirmed: bool = False
    updates: dict[str, Any] = field(default_factory=dict)
    red_flags: list[dict[str, Any]] = field(default_factory=list)
    reask: str | None = None  # a question to ask again
    ask_what: bool = False  # a plain "no": ask what to change


_FILLER = re.compile(r"\b(my|the|a|an|change|fix|edit|update|please|wrong|is|it'?s)\b", re.I)


def _only_names(text: str, slot: str) -> bool:
    """True when ``text`` names the field and says nothing else ("Medicines", "my age")."""
    rest = text.lower()
    label = SLOT_LABELS.get(slot, "").lower()
    if label:
        rest = rest.replace(label, " ")
    pattern = dict(_FIELD_WORDS).get(slot)
    if pattern:
        rest = re.sub(pattern, " ", rest)
    return not re.sub(r"[\W_]+", "", _FILLER.sub(" ", rest))


def field_named(text: str) -> str | None:
    """The question a patient's words point at ("my age" -> "age"), if any."""
    lowered = text.lower()
    for slot, label in SLOT_LABELS.items():
        if lowered.strip(" .!?") == label.lower():
            return slot
    for slot, pattern in _FIELD_WORDS:
        if re.search(pattern, lowered):
            return slot
    return None


_BUT = re.compile(r"\b(but|except|apart from|however|although|only thing|change|wrong)\b", re.I)


def _corrects_something(text: str, today: datetime.date) -> bool:
    """True when a reply that says yes also changes something ("yes but my age is 45")."""
    if _BUT.search(text) or field_named(text):
        return True
    return bool(answers.volunteered(text, today=today).slots)


def read_reply(
    text: str, *, intent: str | None, today: datetime.date, choosing_field: bool = False
) -> SummaryReply:
    """Interpret a reply to the summary read-back (or to "what would you like to change?")."""
    raw = text or ""
    if not choosing_field:
        verdict = answers.yes_no(raw, intent)
        rest = _LEAD_IN.sub("", raw, count=1).strip()
        if verdict is True and not rest:
            return SummaryReply(confirmed=True)
        if verdict is True and (intent == "affirm" or not _corrects_something(rest, today)):
            # "yep sweet as", "yes that's all correct": a yes with nothing to change.
            return SummaryReply(confirmed=True)
        if not rest or rest.startswith("/"):
            return SummaryReply(ask_what=True)
        raw = rest
    elif parsing.parse_yes_no(raw) is True and not _corrects_something(raw, today):
        return SummaryReply(confirmed=True)  # "yes it's fine" after "what would you change?"
    updates = answers.volunteered(raw, today=today)
    target = field_named(raw)
    if target and target not in updates.slots:
        # The field is named: its new value may follow ("my insurance is Aetna") or be
        # the whole sentence ("firm pressure please"); "the age is wrong" asks again.
        value = re.split(r"\b(?:is|should be|to|are|was)\b", raw, maxsplit=1)[-1]
        if not _SAYS_WRONG.match(value) and not _only_names(raw, target):
            for candidate in dict.fromkeys((value, raw)):
                found = answers.interpret(target, candidate, today=today)
                if found.accepted:
                    return SummaryReply(updates=found.slots, red_flags=found.red_flags)
        return SummaryReply(reask=target)
    if updates.slots:
        return SummaryReply(updates=updates.slots, red_flags=updates.red_flags)
    if clinical.analyze(raw)["body_regions"]:
        found = answers.interpret("chief_complaint", raw, today=today)
        return SummaryReply(updates=found.slots, red_flags=found.red_flags)
    pressure = parsing.parse_pressure(raw)
    if pressure is not None:
        return SummaryReply(updates={"pressure_preference": pressure})
    return SummaryReply(ask_what=True)
