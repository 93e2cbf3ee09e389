"""The compositional danger screen: site x sensation x acuity, read from ``urgency.yml``.

A phrase list misses "terrible pain in my heart" and "I can hardly breathe". Here a
rule fires when one sentence holds a word from each of its groups (a body site and
a sensation, a numbness and a trend...), none negated and none said of a relative's
history. A word of acuity in the same sentence (now, suddenly, worst ever, at rest,
sweating, spreading to the jaw) raises the rule's flag at once; without one the
rule is *unsure* and the form asks the patient one yes/no question instead.
Blood pressure written as numbers is read here too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from actions.clinical.loader import Catalogue
from actions.clinical.models import UrgencyRules
from actions.clinical.negation import is_negated
from actions.clinical.nlp import Mention, Parsed

__all__ = ["Unsure", "UrgencyFinding", "blood_pressure_flags", "other_persons_clauses", "screen"]

# Two numbers as a reading ("190/110", "200 over 120"); not part of a date or a decimal,
# but a full stop after the reading is fine ("... was 192 over 114.").
_BP = re.compile(r"(?<![\d/])(?<!\d\.)(\d{2,3})\s*(?:/|\\|over|on)\s*(\d{2,3})(?![\d/]|\.\d)", re.I)
_BP_WORDS = re.compile(
    r"\b(?:bp|b\.p\.?|blood\s*pressure|pressure|hypertension|tension|monitor|machine|readings?|read|systolic)\b",
    re.I,
)


@dataclass(frozen=True)
class UrgencyFinding:
    """A flag the screen raises now, with the patient's words."""

    flag: str
    evidence: str
    rule: str


@dataclass(frozen=True)
class Unsure:
    """A sign that is urgent only if it is happening now: ask the patient.

    ``flag`` is raised on "yes", ``otherwise`` (for a doctor's review; None: nothing)
    on "no". ``question`` names the question: "now" (is this happening right now?) or
    "safety" (are you having thoughts of harming yourself?).
    """

    flag: str
    otherwise: str | None
    evidence: str
    rule: str
    question: str = "now"


def other_persons_clauses(parsed: Parsed) -> dict[int, int]:
    """Clause id -> the token where a relative's history starts ("my mum had ...")."""
    starts: dict[int, int] = {}
    verbs = parsed.of("urgency_history_verb")
    happening = {parsed.sentence_of[m.start] for m in parsed.of("urgency_happening")}
    for relative in parsed.of("urgency_relative"):
        clause = parsed.clause_of[relative.start]
        if parsed.sentence_of[relative.start] in happening:
            continue  # typing for a relative whose sign is happening now
        if any(
            v.start >= relative.end
            and parsed.clause_of[v.start] == clause
            and v.start - relative.end <= 4
            for v in verbs
        ):
            starts[clause] = min(starts.get(clause, relative.start), relative.start)
    for phrase in parsed.of("urgency_family"):
        clause = parsed.clause_of[phrase.start]
        starts[clause] = min(starts.get(clause, phrase.start), phrase.start)
    return starts


def _someone_elses(parsed: Parsed, mention: Mention, others: dict[int, int]) -> bool:
    start = others.get(parsed.clause_of[mention.start])
    return start is not None and start <= mention.start


def _unit(parsed: Parsed, mention: Mention, *, whole: bool) -> int:
    """Where a rule's parts must meet: one sentence, or the whole message (unit 0)."""
    return 0 if whole else parsed.sentence_of[mention.start]


def screen(parsed: Parsed, catalogue: Catalogue) -> tuple[list[UrgencyFinding], list[Unsure]]:
    """The urgency rules that fire in ``parsed``: raised now, and those to ask about."""
    rules: UrgencyRules | None = catalogue.urgency
    if rules is None:
        return [], []
    groups: dict[str, list[Mention]] = {}
    for mention in parsed.of("urgency_group"):
        groups.setdefault(mention.ident, []).append(mention)
    others = other_persons_clauses(parsed)
    episodes = [(m.start, m.end) for m in parsed.of("urgency_not_now")]
    now_sentences = {
        parsed.sentence_of[m.start]
        for m in parsed.of("urgency_now")
        if not is_negated(parsed, m.start, m.end, catalogue=catalogue)
        and not any(lo <= m.start and m.end <= hi for lo, hi in episodes)
    }
    raised: list[UrgencyFinding] = []
    unsure: list[Unsure] = []
    for rule in rules.rules:
        found = [groups.get(name, []) for name in rule.all_of]
        if any(not mentions for mentions in found):
            continue
        whole = rule.within == "message"
        unit = functools.partial(_unit, parsed, whole=whole)
        cancelled = {unit(m) for m in parsed.of("urgency_unless") if m.ident == rule.id}
        spans = [(m.start, m.end) for mentions in found for m in mentions]
        sentences = sorted({unit(m) for m in found[0]})
        for sentence in sentences:
            if sentence in cancelled:
                continue
            picked: list[Mention] = []
            for mentions in found:
                usable = [
                    m
                    for m in mentions
                    if unit(m) == sentence
                    and not is_negated(parsed, m.start, m.end, catalogue=catalogue, ignore=spans)
                    and not _someone_elses(parsed, m, others)
                ]
                if not usable:
                    break
                picked.append(usable[0])
            if len(picked) < len(found):
                continue
            start = min(m.start for m in picked)
            end = max(m.end for m in picked)
            evidence = parsed.snippet(start, end, context=2)
            if whole and len({parsed.sentence_of[m.start] for m in picked}) > 1:
                evidence = "; ".join(parsed.snippet(m.start, m.end, context=1) for m in picked)
            urgent_now = bool(now_sentences) if whole else sentence in now_sentences
            # Safety nets (and the safety question, whose intent no acuity word shows)
            # only ask.
            urgent_now = urgent_now and rule.acuity == "raise"
            if urgent_now or rule.unsure == "raise":
                flag = rule.flag if urgent_now else rule.otherwise
                if flag is not None:
                    raised.append(UrgencyFinding(flag, evidence, rule.id))
            elif rule.unsure == "ask":
                unsure.append(Unsure(rule.flag, rule.otherwise, evidence, rule.id, rule.question))
            break
    return raised, unsure


def blood_pressure_flags(text: str, catalogue: Catalogue) -> list[UrgencyFinding]:
    """Uncontrolled high blood pressure written as numbers ("190/110", "200 over 120")."""
    rules = catalogue.urgency
    if rules is None or (not _BP_WORDS.search(text) and " over " not in text.lower()):
        return []
    limits = rules.blood_pressure
    for match in _BP.finditer(text):
        systolic, diastolic = int(match.group(1)), int(match.group(2))
        if not (60 <= diastolic < systolic <= 300):
            continue  # not a blood pressure (a date, a score)
        if systolic >= limits.systolic_at_least or diastolic >= limits.diastolic_at_least:
            return [
                UrgencyFinding(limits.flag, f"blood pressure {match.group(0)}", "blood_pressure")
            ]
    return []
