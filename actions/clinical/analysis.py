"""The engine's two jobs: analyse one message, and assess a whole set of intake answers."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, replace
from typing import Any

from actions.clinical import contract, urgency
from actions.clinical.extraction import Extractor, Findings
from actions.clinical.loader import Catalogue
from actions.clinical.medications import medication_doses, medication_names
from actions.clinical.nlp import Engine, Parsed, engine
from actions.clinical.onset import onset_category
from actions.clinical.regions import describe
from actions.clinical.scoring import Profile, Scorer
from actions.clinical.text import DOC_CHARS, chunks, clean
from actions.clinical.triage import FlagHit, Triage
from actions.clinical.urgency import Unsure
from actions.questions import QUESTIONS, clinical_text_slots

#: Answers that carry no clinical text (never scanned for red flags): every question
#: the registry does not mark ``clinical_text``.
_NON_CLINICAL = frozenset(q.slot for q in QUESTIONS) - clinical_text_slots()
_PRESSURES = ("light", "medium", "firm")
_NONE_STRIP = re.compile(r"[\s.!,]+$")


@dataclass(frozen=True)
class Parts:
    """The engine's components, built once from one catalogue."""

    engine: Engine
    extractor: Extractor
    triage: Triage
    scorer: Scorer

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue behind every component."""
        return self.engine.catalogue


@functools.cache
def parts() -> Parts:
    """The components for the shipped catalogue (built on first use)."""
    eng = engine()
    return Parts(eng, Extractor(eng), Triage(eng.catalogue), Scorer(eng.catalogue))


def _regions(findings: Findings) -> list[dict[str, Any]]:
    return [{"region": r.region, "side": r.side} for r in findings.regions]


def _symptoms(findings: Findings) -> list[str]:
    return list(dict.fromkeys(h.ident for h in findings.symptoms))


def _profile(*sources: Findings) -> Profile:
    profile = Profile()
    for found in sources:
        profile.regions.extend(found.regions)
        profile.symptoms.extend(found.symptoms)
        profile.mechanisms.extend(found.mechanisms)
        profile.history.extend(found.history)
        profile.medications.extend(found.medications)
        profile.keywords.extend(found.keywords)
        profile.diagnoses.extend(found.diagnoses)
        profile.variants.extend(found.variants)
        if found.chronicity and not profile.chronicity:
            profile.chronicity = found.chronicity
            profile.chronicity_evidence = found.chronicity_evidence
    return profile


@dataclass(frozen=True)
class Screen:
    """The danger screen of one message: flags raised now, and signs to ask about."""

    flags: list[FlagHit]
    unsure: list[Unsure]


def _screen_parsed(
    p: Parts, parsed: Parsed, *, today: datetime.date, default_event_days: int | None
) -> Screen:
    hits = p.triage.detect(parsed, today=today, default_event_days=default_event_days)
    raised, unsure = urgency.screen(parsed, p.catalogue)
    hits.extend(p.triage.hit(f.flag, f.evidence) for f in raised)
    return Screen(hits, unsure)


def _flags_everywhere(
    p: Parts,
    text: str,
    *,
    today: datetime.date,
    default_event_days: int | None = None,
    ask: bool = False,
) -> tuple[Parsed, list[FlagHit], list[Unsure]]:
    """Parse the first chunk fully; scan every chunk (up to the cap) for red flags.

    Signs that are urgent only if happening now are returned as ``Unsure`` when
    ``ask`` (the form puts the question to the patient); otherwise their review
    flag is raised, the cautious reading when nobody can be asked.
    """
    pieces = chunks(text) or [(0, "")]
    first = p.engine.parse(pieces[0][1])
    found = _screen_parsed(p, first, today=today, default_event_days=default_event_days)
    hits, unsure = list(found.flags), list(found.unsure)
    for _, piece in pieces[1:]:
        parsed = p.engine.parse(piece)
        more = _screen_parsed(p, parsed, today=today, default_event_days=None)
        hits.extend(more.flags)
        unsure.extend(more.unsure)
        hits.extend(p.triage.from_medications(p.extractor.medications(parsed)))
    hits.extend(
        p.triage.hit(f.flag, f.evidence) for f in urgency.blood_pressure_flags(text, p.catalogue)
    )
    if not ask:
        raised = {h.id for h in hits}
        hits.extend(
            p.triage.hit(u.otherwise, u.evidence)
            for u in unsure
            if u.flag not in raised and u.otherwise is not None
        )
        unsure = []
    return first, hits, unsure


def red_flag(flag_id: str, evidence: str) -> dict[str, Any]:
    """One red flag as the summary holds it (level and advice from the catalogue)."""
    p = parts()
    return p.triage.finalize([p.triage.hit(flag_id, evidence)])[0]


def screen(text: str, *, today: datetime.date | None = None) -> dict[str, Any]:
    """The danger screen the intake form runs on every message.

    ``red_flags`` are raised now (``triage_level`` is their most urgent level);
    ``ask_if_now`` lists signs that are an emergency only if happening now, each
    ``{"flag", "otherwise", "evidence", "question"}``: the form asks the patient
    (``question`` "now": is it happening right now?; "safety": thoughts of harming
    yourself?), yes raises ``flag``, no raises ``otherwise`` (when not None) for a
    doctor's review. A safety question comes first.
    """
    p = parts()
    day = today or datetime.date.today()
    cleaned = clean(text)
    parsed, hits, unsure = _flags_everywhere(p, cleaned, today=day, ask=True)
    hits.extend(p.triage.from_medications(p.extractor.medications(parsed)))
    flags = p.triage.finalize(hits)
    level = contract.most_urgent(f["level"] for f in flags)
    raised = {f["id"] for f in flags}
    asks = list(
        {
            u.flag: {
                "flag": u.flag,
                "otherwise": u.otherwise,
                "evidence": u.evidence,
                "question": u.question,
            }
            for u in reversed(unsure)
            if u.flag not in raised
        }.values()
    )[::-1]
    asks.sort(key=lambda ask: ask["question"] != "safety")
    return {
        "red_flags": flags,
        "triage_level": level,
        "ask_if_now": asks if level != "emergency" else [],
    }


def analyze(text: str, *, today: datetime.date | None = None) -> dict[str, Any]:
    """Regions, symptoms, red flags, triage level and suggested conditions of one message."""
    p = parts()
    day = today or datetime.date.today()
    cleaned = clean(text)
    parsed, hits, _ = _flags_everywhere(p, cleaned, today=day)
    findings = p.extractor.extract(parsed)
    hits.extend(p.triage.from_medications(findings.medications))
    hits.extend(p.triage.minor_from_text(cleaned[:DOC_CHARS]))
    flags = p.triage.finalize(hits)
    ranked = p.scorer.rank(_profile(findings))
    return {
        "body_regions": _regions(findings),
        "symptoms": _symptoms(findings),
        "red_flags": flags,
        "triage_level": contract.most_urgent(f["level"] for f in flags),
        "suggested_conditions": [r.as_dict() for r in ranked],
    }


def is_none_answer(text: str, catalogue: Catalogue) -> bool:
    """True for "none", "no", "nothing like that" and other empty answers."""
    lowered = _NONE_STRIP.sub("", " ".join(text.lower().split()))
    return not lowered or lowered in catalogue.lexicon.none_answers


def classify_onset(text: str) -> str:
    """The contract onset category of an answer to "how did it start?"."""
    p = parts()
    parsed = p.engine.parse(clean(text)[:DOC_CHARS])
    return onset_category(p.extractor.extract(parsed).mechanisms, p.catalogue)


def extract_medications(text: str) -> list[str]:
    """Normalised medication names in ``text``; ``[]`` for "none", "nothing"..."""
    p = parts()
    cleaned = clean(text)[:DOC_CHARS]
    if is_none_answer(cleaned, p.catalogue):
        return []
    found = p.extractor.extract(p.engine.parse(cleaned))
    return medication_names(found.medications, cleaned, p.catalogue, is_none=False)


def describe_regions(regions: list[dict[str, Any]]) -> str:
    """Plain words for a read-back: ``[{"region": "knee", "side": "right"}]`` -> "right knee"."""
    if not isinstance(regions, list):
        return ""
    return describe(regions, parts().catalogue)


class _Answers:
    """Cleaned answers by slot name, tolerant of missing or non-text values."""

    def __init__(self, answers: object) -> None:
        self.values: dict[str, str] = {}
        if isinstance(answers, dict):
            for key, value in answers.items():
                if value is None:
                    continue
                if isinstance(value, (list, tuple)):
                    value = ", ".join(str(v) for v in value)
                self.values[str(key)] = clean(value).strip()

    def get(self, slot: str) -> str:
        """The cleaned answer for ``slot`` (``""`` when not given)."""
        return self.values.get(slot, "")


@dataclass(frozen=True)
class FormValues:
    """Answers the intake form has already read into typed values.

    ``assess`` uses them as they are instead of parsing the text again, so the danger
    screen, the scoring and the summary all see the values the patient confirmed.
    """

    pain_level: int | None = None
    duration_days: int | None = None
    chronicity: str | None = None
    age: int | None = None


def assess(
    answers: dict[str, str],
    *,
    today: datetime.date | None = None,
    known: FormValues | None = None,
) -> dict[str, Any]:
    """Complaint, history, triage and suggestions for a full set of intake answers.

    ``answers`` maps contract slot names to what the patient typed; ``known`` holds
    what the form already read (pain, duration, age), used as is. The result has the
    shape of the referral summary's ``complaint``, ``history``, ``triage``,
    ``suggested_conditions`` and ``suggested_techniques``.
    """
    from actions.intake import parsing  # late import: actions.intake imports this package

    p = parts()
    cat = p.catalogue
    day = today or datetime.date.today()
    given = _Answers(answers)

    form = known or FormValues()
    pain = form.pain_level
    if pain is None and given.get("pain_level"):
        pain = parsing.parse_pain_level(given.get("pain_level")).value
    duration = (
        parsing.parse_duration(given.get("pain_duration"), today=day).value
        if given.get("pain_duration") and form.duration_days is None
        else None
    )
    duration_days = form.duration_days if form.duration_days is not None else None
    chronicity = form.chronicity
    if duration is not None:
        duration_days, chronicity = duration.days, duration.chronicity

    onset_text = given.get("onset_cause")
    after_surgery = bool(onset_text) and classify_onset(onset_text) == "surgery"
    hits: list[FlagHit] = []
    found: dict[str, Findings] = {}
    for slot, text in given.values.items():
        if slot in _NON_CLINICAL or not text or is_none_answer(text, cat):
            continue
        # An undated event in the complaint (or anywhere, when the problem started with
        # surgery) is dated by the pain's duration.
        linked = after_surgery or slot in ("chief_complaint", "onset_cause", "pain_duration")
        parsed, slot_hits, _ = _flags_everywhere(
            p, text, today=day, default_event_days=duration_days if linked else None
        )
        hits.extend(slot_hits)
        found[slot] = p.extractor.extract(parsed, professional=slot == "diagnosis")
        hits.extend(p.triage.from_medications(found[slot].medications))

    age = form.age
    if age is None and given.get("age"):
        age = parsing.parse_age(given.get("age")).value
    hits.extend(p.triage.minor_from_age(age, f"age {age}"))
    flags = p.triage.finalize(hits)

    empty = Findings()
    complaint = found.get("chief_complaint", empty)
    history = found.get("medical_history", empty)
    # A condition merely listed in the history weighs less than one the complaint names.
    history_diagnoses = [
        replace(hit, extra="history") if hit.extra == "self" else hit for hit in history.diagnoses
    ]
    profile = _profile(
        complaint,
        found.get("onset_cause", empty),
        found.get("diagnosis", empty),
        found.get("pain_duration", empty),
    )
    profile.history.extend(history.history)
    profile.diagnoses.extend(history_diagnoses)
    profile.medications.extend(history.medications)
    profile.medications.extend(found.get("medications", empty).medications)
    if chronicity:
        profile.chronicity = chronicity
        profile.chronicity_evidence = given.get("pain_duration")

    ranked = p.scorer.rank(profile)
    pressure_text = given.get("pressure_preference").lower()
    pressure = next((w for w in _PRESSURES if w in pressure_text), None)

    diagnosis_text = given.get("diagnosis")
    medications_text = given.get("medications")
    medications = (
        medication_names(found["medications"].medications, medications_text, cat, is_none=False)
        if "medications" in found
        else []
    )
    doses = (
        medication_doses(found["medications"].medications, medications, medications_text, cat)
        if "medications" in found
        else []
    )
    referral_text = given.get("physician_referral")
    return {
        "complaint": {
            "text": given.get("chief_complaint"),
            "body_regions": _regions(complaint),
            "symptoms": _symptoms(complaint),
            "pain_level": pain,
            "duration_text": duration.text
            if duration is not None
            else (given.get("pain_duration") or None),
            "duration_days": duration_days,
            "chronicity": chronicity or complaint.chronicity,
            "onset_cause": onset_category(found["onset_cause"].mechanisms, cat)
            if "onset_cause" in found
            else ("gradual_unknown" if onset_text and is_none_answer(onset_text, cat) else None),
        },
        "history": {
            "diagnosis": None
            if not diagnosis_text or is_none_answer(diagnosis_text, cat)
            else diagnosis_text,
            "physician_referral": parsing.parse_yes_no(referral_text) if referral_text else None,
            "referring_physician": None
            if is_none_answer(given.get("referring_physician"), cat)
            else given.get("referring_physician"),
            "medical_history": given.get("medical_history") or None,
            "medications": medications,
            # Added to the summary (schema "1" grows, never renames): doses as written.
            "medication_doses": doses,
        },
        "triage": {
            "level": contract.most_urgent(f["level"] for f in flags),
            "red_flags": flags,
        },
        "suggested_conditions": [r.as_dict() for r in ranked],
        "suggested_techniques": p.scorer.techniques(ranked, flags, pressure=pressure),
    }
