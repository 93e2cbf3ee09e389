"""Blind patient material for ``make bench-conversation``: typed records and loaders.

Two kinds of file, written by people who had not seen the NLU data, lexicon or
parsers (the format is ``tests/conversations/FORMAT.md``):

- patient scripts: one answer per intake question, an expected ending
  (completed, emergency stop, declined) and the least urgent acceptable triage;
- single sentences: a complaint or medical-history answer with its labels.

Pure functions: no servers, no Rasa.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actions.clinical.contract import TRIAGE_LEVELS, level_rank

__all__ = [
    "EXPECTED_ENDINGS",
    "PatientScript",
    "QuestionStreak",
    "ScriptedPatient",
    "Sentence",
    "load_patients",
    "load_sentences",
    "progress_key",
    "reply_for",
]

#: How a scripted intake should end.
EXPECTED_ENDINGS = ("complete", "emergency_stop", "declined")

#: The clarifying question the form asks when a message may be urgent.
URGENCY_SLOT = "urgency_check"


class ScriptError(ValueError):
    """A blind-material file that does not follow the format."""


@dataclass(frozen=True)
class PatientScript:
    """One simulated patient: what they type for each question, and what should happen."""

    id: str
    expect: str
    min_triage: str
    answers: Mapping[str, str]
    red_flags: tuple[str, ...] = ()
    happening_now: bool | None = None
    retry: Mapping[str, str] = field(default_factory=dict)
    asides: Mapping[str, str] = field(default_factory=dict)
    persona: str = ""

    @property
    def has_danger_sign(self) -> bool:
        """True when the writer put a physician-clearance or emergency sign in the script."""
        return level_rank(self.min_triage) <= level_rank("physician_clearance")


@dataclass(frozen=True)
class Sentence:
    """One single-sentence answer with its labels."""

    text: str
    field: str
    min_triage: str
    red_flags: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()


def _level(value: Any, where: str) -> str:
    level = str(value or "routine").strip()
    if level not in TRIAGE_LEVELS:
        raise ScriptError(f"{where}: min_triage {level!r} is not one of {TRIAGE_LEVELS}")
    return level


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def _read(path: Path) -> Any:
    """A file's YAML, or a :class:`ScriptError` that names the file."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ScriptError(f"{path}: cannot read it ({error.__class__.__name__})") from error


def load_patients(path: Path) -> list[PatientScript]:
    """The patient scripts of one batch file."""
    data = _read(path)
    patients = data.get("patients") if isinstance(data, Mapping) else None
    if not isinstance(patients, list):
        raise ScriptError(f"{path}: expected a 'patients' list")
    scripts: list[PatientScript] = []
    for number, entry in enumerate(patients, start=1):
        where = f"{path.name} patient {number}"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("answers"), Mapping):
            raise ScriptError(f"{where}: expected a mapping with 'answers'")
        expect = str(entry.get("expect") or "complete")
        if expect not in EXPECTED_ENDINGS:
            raise ScriptError(f"{where}: expect {expect!r} is not one of {EXPECTED_ENDINGS}")
        now = entry.get("happening_now")
        scripts.append(
            PatientScript(
                id=str(entry.get("id") or f"{path.stem}-{number:02d}"),
                expect=expect,
                min_triage=_level(entry.get("min_triage"), where),
                answers=_strings(entry["answers"]),
                red_flags=tuple(str(f) for f in entry.get("red_flags") or []),
                happening_now=None if now is None else bool(now),
                retry=_strings(entry.get("retry")),
                asides=_strings(entry.get("asides")),
                persona=str(entry.get("persona") or ""),
            )
        )
    return scripts


def load_sentences(path: Path) -> list[Sentence]:
    """The single-sentence answers of one file."""
    data = _read(path)
    entries = data.get("sentences") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        raise ScriptError(f"{path}: expected a 'sentences' list")
    sentences: list[Sentence] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path.name} sentence {number}"
        if not isinstance(entry, Mapping) or not str(entry.get("text") or "").strip():
            raise ScriptError(f"{where}: expected a mapping with 'text'")
        sentences.append(
            Sentence(
                text=str(entry["text"]),
                field=str(entry.get("field") or "chief_complaint"),
                min_triage=_level(entry.get("min_triage"), where),
                red_flags=tuple(str(f) for f in entry.get("red_flags") or []),
                regions=tuple(str(r) for r in entry.get("regions") or []),
            )
        )
    return sentences


def reply_for(script: PatientScript, slot: str, times_asked: int) -> str:
    """What this patient types when the question for ``slot`` is asked the n-th time in a row.

    The first time their answer; when asked again their rephrase if the writer
    gave one, else the same answer (people repeat themselves). The urgency
    question gets yes or no from the script's ``happening_now`` (a patient
    without a danger sign says no).
    """
    if slot == URGENCY_SLOT:
        return "yes" if script.happening_now else "no, it's not happening right now"
    if slot == "summary_confirmed":
        return script.answers.get(slot) or "yes"
    answer = script.answers.get(slot, "")
    if times_asked >= 2 and script.retry.get(slot):
        return script.retry[slot]
    return answer or "not sure"


#: Slots that change without the patient having said anything new.
_BOOKKEEPING = frozenset(
    {"requested_slot", "ask_streak", "misunderstandings", "correction_pending"}
)


def progress_key(slots: Mapping[str, Any]) -> str:
    """A fingerprint of what the intake knows, ignoring its own bookkeeping."""
    kept = {k: v for k, v in slots.items() if k not in _BOOKKEEPING}
    return json.dumps(kept, sort_keys=True, default=str)


@dataclass
class QuestionStreak:
    """How many times in a row one question has been asked with nothing learnt between.

    A question asked again after the patient's answer changed something (a
    corrected read-back) starts a new run; the same question with nothing new
    is a repeat. Independent of the form's own counter, so it can catch it out.
    """

    slot: str = ""
    key: str = ""
    run: int = 0
    longest: int = 0

    def update(self, open_slot: str, slots: Mapping[str, Any]) -> int:
        """Record the question open after a message; return the current run."""
        key = progress_key(slots)
        if open_slot and open_slot == self.slot and key == self.key:
            self.run += 1
        else:
            self.run = 1 if open_slot else 0
        self.slot, self.key = open_slot, key
        self.longest = max(self.longest, self.run)
        return self.run


#: What a simulated patient types first, as people do.
OPENING = "hi"


@dataclass
class ScriptedPatient:
    """Plays one script: given the question open now, what the patient types next.

    A question the patient slipped in (``asides``) comes the first time its slot
    is asked, before the answer. Used by the benchmark and the end-to-end test.
    """

    script: PatientScript
    attempts: dict[str, int] = field(default_factory=dict)
    asides_left: dict[str, str] = field(default_factory=dict)
    #: The slot the last message answered ("" for an aside or a greeting).
    answering: str = ""

    def __post_init__(self) -> None:
        self.asides_left = dict(self.script.asides)

    def next_message(self, open_slot: str, *, turns: int) -> str:
        """The next message when ``open_slot`` is asked ("" = no question open)."""
        if not open_slot:  # the form is not running: say hello again, then yes
            self.answering = ""
            return OPENING if turns < 3 else "yes"
        if open_slot in self.asides_left and not self.attempts.get(open_slot):
            self.answering = ""
            return self.asides_left.pop(open_slot)
        self.attempts[open_slot] = self.attempts.get(open_slot, 0) + 1
        self.answering = open_slot
        return reply_for(self.script, open_slot, self.attempts[open_slot])
