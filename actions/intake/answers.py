"""Turn one patient message into slot values for the question being asked.

Pure glue between the answer parsers (``actions.intake.parsing``) and the
clinical engine (``actions.clinical``); no rasa-sdk imports.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from actions import clinical
from actions.intake import parsing
from actions.intake.flow import FORM_SLOTS

# What we keep of one free-text answer; the engine still reads the whole message.
MAX_STORED_CHARS = 1000

_NONE_ANSWERS = re.compile(
    r"^\s*(no+|nope|none|nothing|nah|n/?a|not really|no(thing)? (at all|really)|"
    r"none of (those|these|them|that)|nothing like that|not that i know( of)?|"
    r"no,? (he|she|they|the doctor) didn'?t( say)?|/deny)\s*[.!]*\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Interpretation:
    """What a message means for one slot: values to set, or why it can't be used."""

    slots: dict[str, Any] = field(default_factory=dict)
    red_flags: list[dict[str, Any]] = field(default_factory=list)
    problem: str | None = None

    @property
    def accepted(self) -> bool:
        """True when the message answered the question."""
        return self.problem is None and bool(self.slots)


def clean_text(text: str) -> str:
    """Trim, collapse whitespace and cap the length of a free-text answer."""
    return re.sub(r"\s+", " ", text or "").strip()[:MAX_STORED_CHARS]


def says_none(text: str) -> bool:
    """True for "no", "none", "nothing like that" and similar empty answers."""
    return bool(_NONE_ANSWERS.match(text or ""))


def yes_no(text: str, intent: str | None, *, trust_intent: bool = True) -> bool | None:
    """A yes/no answer from the text (or a button), falling back to the affirm/deny intent
    when ``trust_intent``."""
    if text.strip() == "/affirm":
        return True
    if text.strip() == "/deny":
        return False
    parsed = parsing.parse_yes_no(text)
    if parsed is not None or not trust_intent:
        return parsed
    return {"affirm": True, "deny": False}.get(intent or "")


def _flags(text: str) -> list[dict[str, Any]]:
    """Red flags raised now. A sign that is urgent only if happening now is not raised
    here: the form asks the patient about it (``clinical.screen``'s ``ask_if_now``)."""
    return list(clinical.screen(text)["red_flags"])


def _free_text(slot: str, text: str, *, none_value: str = "none") -> Interpretation:
    cleaned = clean_text(text)
    if not cleaned or parsing.looks_like_gibberish(cleaned):
        return Interpretation(problem="not_understood")
    if says_none(cleaned):
        return Interpretation(slots={slot: none_value})
    return Interpretation(slots={slot: cleaned}, red_flags=_flags(text))


def _consent(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    # Only clear yes/no words or the buttons: the NLU once took reversed text for "yes".
    answer = yes_no(text, intent, trust_intent=False)
    if answer is None:
        return Interpretation(problem="not_understood")
    return Interpretation(slots={"consent": answer})


_NAME_ASIDE = re.compile(r"\([^()]{0,60}\)")
_NAME_BREAK = re.compile(r"\s*(?:[,;:/]|\bbut\b|\band\s+(?:i|my|you|im|i'm)\b|\s-\s)\s*", re.I)


def _name_candidates(text: str) -> list[str]:
    """The whole answer, then without asides in brackets, then its first part
    ("Siobhan O'Connor, I'm 34 btw ...", "Sharon Pritchard but everyone calls me Shazza")."""
    bare = " ".join(_NAME_ASIDE.sub(" ", text).split())
    first = _NAME_BREAK.split(bare, maxsplit=1)[0]
    return list(dict.fromkeys(c for c in (text, bare, first) if c.strip()))


def _name(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    result = parsing.parse_name(text)
    for candidate in _name_candidates(text)[1:]:
        if result.value is not None:
            break
        result = parsing.parse_name(candidate)
    if result.value is None:
        return Interpretation(problem=result.problem or "not_a_name")
    return Interpretation(slots={"patient_name": result.value})


def _age(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    result = parsing.parse_age(text)
    if result.value is None:
        return Interpretation(problem=result.problem or "not_understood")
    flags = []
    if result.value < 18:
        flags.append(
            {
                "id": "minor",
                "level": "caution",
                "evidence": f"age {result.value}",
                "advice": "Under 18: a parent or guardian must consent and be present.",
            }
        )
    return Interpretation(slots={"age": result.value}, red_flags=flags)


def _contact(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    result = parsing.parse_contact(text)
    if result.value is None:
        return Interpretation(problem=result.problem or "not_understood")
    return Interpretation(slots={"contact": result.value})


def _complaint(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    cleaned = clean_text(text)
    if not cleaned or parsing.looks_like_gibberish(cleaned) or says_none(cleaned):
        return Interpretation(problem="not_understood")
    found = clinical.analyze(text)
    return Interpretation(
        slots={
            "chief_complaint": cleaned,
            "body_regions": found["body_regions"],
            "symptoms": found["symptoms"],
        },
        red_flags=_flags(text),
    )


def _pain(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    result = parsing.parse_pain_level(text)
    if result.value is None:
        return Interpretation(problem=result.problem or "not_understood")
    return Interpretation(slots={"pain_level": result.value})


def _duration(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    result = parsing.parse_duration(text, today=today)
    if result.value is None:
        return Interpretation(problem=result.problem or "not_understood")
    return Interpretation(
        slots={
            "pain_duration": result.value.text,
            "duration_days": result.value.days,
            "chronicity": result.value.chronicity,
        }
    )


def _onset(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    cleaned = clean_text(text)
    if not cleaned or parsing.looks_like_gibberish(cleaned):
        return Interpretation(problem="not_understood")
    return Interpretation(
        slots={"onset_cause": clinical.classify_onset(cleaned), "onset_text": cleaned},
        red_flags=_flags(text),
    )


def _diagnosis(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    return _free_text("diagnosis", text)


_REFERRAL_WORDS = re.compile(r"\b(referr\w*|prescri\w*|dr\b\.?|doctor|physician|gp)\b", re.I)
_NEGATION = re.compile(r"\b(no|not|don'?t|doesn'?t|haven'?t|hasn'?t|never|without)\b", re.I)
_DOCTOR_NAME = re.compile(r"\b((?i:dr|doctor)\.?\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)")


def _referral(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    answer = yes_no(text, intent)
    if answer is None and says_none(text):
        answer = False
    if answer is None and _REFERRAL_WORDS.search(text):
        # "dr patel referred me" / "I have a prescription": yes, unless negated.
        answer = not _NEGATION.search(text)
    if answer is None:
        return Interpretation(problem="not_understood")
    slots: dict[str, Any] = {"physician_referral": answer}
    doctor = _DOCTOR_NAME.search(text)
    if answer and doctor:
        slots["referring_physician"] = clean_text(doctor.group(1))
    return Interpretation(slots=slots)


def _referring(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    return _free_text("referring_physician", text, none_value="not given")


def _history(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    return _free_text("medical_history", text)


def _medications(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    base = _free_text("medications", text)
    if not base.accepted:
        return base
    meds = [] if base.slots["medications"] == "none" else clinical.extract_medications(text)
    return Interpretation(slots={**base.slots, "medication_list": meds}, red_flags=base.red_flags)


def _goals(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    # Free text: any real answer counts; words we can't place become "other", and the
    # patient's own words are kept for the therapist.
    cleaned = clean_text(text)
    if not cleaned or parsing.looks_like_gibberish(cleaned):
        return Interpretation(problem="not_understood")
    goals = parsing.parse_goals(cleaned) or ["other"]
    return Interpretation(slots={"goals": goals, "goals_text": cleaned}, red_flags=_flags(text))


def _pressure(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    pressure = parsing.parse_pressure(text)
    if pressure is None:
        return Interpretation(problem="not_understood")
    return Interpretation(slots={"pressure_preference": pressure})


def _insurance(text: str, intent: str | None, today: datetime.date) -> Interpretation:
    if parsing.looks_like_gibberish(text):
        return Interpretation(problem="not_understood")
    result = parsing.parse_insurance(text)
    value = ""
    if result.value is not None:
        value = "self_pay" if result.value.self_pay else (result.value.provider or "")
    if not value:
        # Any other real answer ("not sure yet", "through work") is kept as written.
        value = clean_text(text)[:120]
    if not value:
        return Interpretation(problem=result.problem or "not_understood")
    return Interpretation(slots={"insurance": value})


_INTERPRETERS: dict[str, Callable[[str, str | None, datetime.date], Interpretation]] = {
    "consent": _consent,
    "patient_name": _name,
    "age": _age,
    "contact": _contact,
    "chief_complaint": _complaint,
    "pain_level": _pain,
    "pain_duration": _duration,
    "onset_cause": _onset,
    "diagnosis": _diagnosis,
    "physician_referral": _referral,
    "referring_physician": _referring,
    "medical_history": _history,
    "medications": _medications,
    "goals": _goals,
    "pressure_preference": _pressure,
    "insurance": _insurance,
}


def interpret(
    slot: str, text: str, *, intent: str | None = None, today: datetime.date | None = None
) -> Interpretation:
    """Read ``text`` as the answer to the question for ``slot``.

    ``intent`` is the NLU intent of the message (it settles yes/no buttons);
    ``today`` anchors dates such as "since March".
    """
    interpreter = _INTERPRETERS.get(slot)
    if interpreter is None:
        return Interpretation(problem="not_understood")
    return interpreter(text or "", intent, today or datetime.date.today())


def volunteered(text: str, *, today: datetime.date | None = None) -> Interpretation:
    """Answers the patient gave without being asked, from one free message.

    Name, age, contact, pain level and duration come from the parsers' own
    precise patterns; a message that names a body region or symptom also
    counts as the main complaint.
    """
    day = today or datetime.date.today()
    values: dict[str, Any] = {}
    flags: list[dict[str, Any]] = []
    for slot, fragment in parsing.find_volunteered(text).items():
        found = interpret(slot, fragment, today=day)
        if found.accepted:
            values.update(found.slots)
            flags.extend(found.red_flags)
    complaint = clinical.analyze(text)
    if complaint["body_regions"] and complaint["symptoms"]:
        values.update(
            {
                "chief_complaint": clean_text(text),
                "body_regions": complaint["body_regions"],
                "symptoms": complaint["symptoms"],
            }
        )
    flags.extend(_flags(text))
    return Interpretation(slots=values, red_flags=flags)


def form_values(slots: Mapping[str, Any]) -> clinical.FormValues:
    """What the form already read into typed values, for ``clinical.assess`` to use as is."""

    def whole(name: str) -> int | None:
        value = slots.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    chronicity = slots.get("chronicity")
    return clinical.FormValues(
        pain_level=whole("pain_level"),
        duration_days=whole("duration_days"),
        chronicity=chronicity if isinstance(chronicity, str) else None,
        age=whole("age"),
    )


def intake_answers(slots: dict[str, Any]) -> dict[str, str]:
    """The intake answers as the clinical engine's ``assess`` takes them: slot -> text."""
    # Everything the patient answered except the bookkeeping questions.
    keys = [k for k in FORM_SLOTS if k not in {"consent", "summary_confirmed", "goals"}]
    result: dict[str, str] = {}
    for key in keys:
        value = slots.get(key)
        if value is None:
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        result[key] = str(value)
    if slots.get("onset_text"):
        result["onset_cause"] = str(slots["onset_text"])
    if slots.get("goals"):
        result["goals"] = ", ".join(slots["goals"])
    return result
