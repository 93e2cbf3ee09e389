"""Red flags: which danger signs a message shows, with the patient's words and advice.

Triggers come from ``red_flags.yml``: single phrases, or one phrase from each group in
the same sentence/clause ("calf" + "swollen" + "warm"). Negated mentions raise nothing;
when a message both denies and reports something, the report wins (the safer reading).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from actions.clinical import contract
from actions.clinical.extraction import Hit
from actions.clinical.loader import Catalogue
from actions.clinical.models import Trigger
from actions.clinical.negation import is_negated
from actions.clinical.nlp import ALL_TRIGGERS, Mention, Parsed
from actions.clinical.timing import event_timing
from actions.clinical.urgency import other_persons_clauses

_AGE_IN_TEXT = re.compile(
    r"(?:^|[^\w])(?:i am|i'm|im|age|aged|age:)\s*(\d{1,2})\b(?!\s*(?:%|percent|lbs?|pounds|kg|"
    r"kilos|weeks?|days?|months?|minutes|hours|times|cm|inches|miles|km|out of|/))",
)
_AGE_YEARS_OLD = re.compile(
    r"(?:^|[^\w])(?:i am|i'm|im)\s+(?:only\s+)?(\d{1,2})\s*(?:years?|yrs?) old"
)
_MAX_EVIDENCE_TOKENS = 14


@dataclass(frozen=True)
class FlagHit:
    """One raised red flag."""

    id: str
    level: str
    evidence: str
    advice: str


class Triage:
    """Finds red flags in parsed messages."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._order = {flag.id: i for i, flag in enumerate(catalogue.red_flags)}

    def hit(self, flag_id: str, evidence: str) -> FlagHit:
        """A :class:`FlagHit` for ``flag_id`` with the catalogue's level and advice."""
        flag = self.catalogue.red_flag_by_id[flag_id]
        return FlagHit(flag.id, flag.level, evidence, " ".join(flag.advice.split()))

    # -- detection -------------------------------------------------------------------

    def detect(
        self,
        parsed: Parsed,
        *,
        today: datetime.date,
        default_event_days: int | None = None,
    ) -> list[FlagHit]:
        """Red flags in one parsed message.

        ``default_event_days`` dates events the message gives no time for (for example
        the pain's duration when the answer says "after my surgery").
        """
        hits: list[FlagHit] = []
        for mention in parsed.of("flag"):
            flag = self.catalogue.red_flag_by_id[mention.ident]
            trigger = flag.triggers[int(mention.extra)]
            if self._negated(parsed, mention) or self._cancelled(parsed, mention, mention.extra):
                continue
            if not self._recent(parsed, mention, trigger, today, default_event_days):
                continue
            hits.append(self.hit(flag.id, parsed.snippet(mention.start, mention.end)))
        hits.extend(self._combinations(parsed, today, default_event_days))
        return hits

    def _negated(
        self, parsed: Parsed, mention: Mention, ignore: Iterable[tuple[int, int]] = ()
    ) -> bool:
        """Negated, or said of a relative's history ("my dad had a heart attack")."""
        if is_negated(parsed, mention.start, mention.end, catalogue=self.catalogue, ignore=ignore):
            return True
        start = other_persons_clauses(parsed).get(parsed.clause_of[mention.start])
        return start is not None and start <= mention.start

    def _cancelled(self, parsed: Parsed, mention: Mention, trigger_index: str) -> bool:
        sentence = parsed.sentence_of[mention.start]
        return any(
            m.ident == mention.ident
            and m.extra in (trigger_index, ALL_TRIGGERS)
            and parsed.sentence_of[m.start] == sentence
            for m in parsed.of("unless")
        )

    def _recent(
        self,
        parsed: Parsed,
        mention: Mention,
        trigger: Trigger,
        today: datetime.date,
        default_event_days: int | None,
    ) -> bool:
        rule = trigger.recency
        if rule is None:
            return True
        lo, hi = parsed.sentence_span(mention.start)
        at = parsed.doc[mention.start].idx - lo
        timing = event_timing(parsed.text[lo:hi].lower(), at=at, today=today)
        if timing.kind == "past" and timing.days is not None:
            return timing.days <= rule.max_days
        if timing.kind == "future":
            return rule.future == "raise"
        if timing.kind == "old":
            return False
        if default_event_days is not None:
            return default_event_days <= rule.max_days
        return rule.unknown == "raise"

    def _combinations(
        self, parsed: Parsed, today: datetime.date, default_event_days: int | None
    ) -> list[FlagHit]:
        grouped: dict[tuple[str, str], dict[int, list[Mention]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for mention in parsed.of("flag_group"):
            trigger_index, group_index = mention.extra.split(".")
            grouped[(mention.ident, trigger_index)][int(group_index)].append(mention)
        hits: list[FlagHit] = []
        for (flag_id, trigger_index), groups in grouped.items():
            trigger = self.catalogue.red_flag_by_id[flag_id].triggers[int(trigger_index)]
            if len(groups) < len(trigger.all_of):
                continue
            unit_of = parsed.clause_of if trigger.within == "clause" else parsed.sentence_of
            for unit in sorted({unit_of[m.start] for m in groups[0]}):
                per_group = [
                    [m for m in groups[g] if unit_of[m.start] == unit]
                    for g in range(len(trigger.all_of))
                ]
                if any(not found for found in per_group):
                    continue
                spans = [(m.start, m.end) for found in per_group for m in found]
                chosen = [
                    next((m for m in found if not self._negated(parsed, m, spans)), None)
                    for found in per_group
                ]
                picked = [m for m in chosen if m is not None]
                if len(picked) < len(chosen):
                    continue
                anchor = picked[0]
                if self._cancelled(parsed, anchor, trigger_index):
                    continue
                if not self._recent(parsed, anchor, trigger, today, default_event_days):
                    continue
                start = min(m.start for m in picked)
                end = max(m.end for m in picked)
                if end - start > _MAX_EVIDENCE_TOKENS:
                    start, end = anchor.start, anchor.end
                hits.append(self.hit(flag_id, parsed.snippet(start, end, context=1)))
                break
        return hits

    def from_medications(self, medications: Iterable[Hit]) -> list[FlagHit]:
        """Flags raised by recognised drugs (anticoagulants, bisphosphonates...)."""
        hits: list[FlagHit] = []
        for med in medications:
            classes = set(self.catalogue.medication_by_id[med.ident].classes)
            for flag in self.catalogue.red_flags:
                if classes.intersection(flag.medication_classes):
                    hits.append(self.hit(flag.id, med.evidence))
        return hits

    def minor_from_age(self, age: int | None, evidence: str) -> list[FlagHit]:
        """The ``minor`` flag for an age under 18."""
        if age is None or not 0 < age < 18:
            return []
        return [self.hit("minor", evidence)]

    def minor_from_text(self, text: str) -> list[FlagHit]:
        """The ``minor`` flag when the patient writes "I'm 16" or "age 15"."""
        lowered = text.lower()
        for pattern in (_AGE_YEARS_OLD, _AGE_IN_TEXT):
            match = pattern.search(lowered)
            if match:
                age = int(match.group(1))
                return self.minor_from_age(age, f"age {age}")
        return []

    # -- result ----------------------------------------------------------------------

    def finalize(self, hits: Iterable[FlagHit]) -> list[dict[str, Any]]:
        """One entry per flag (first evidence wins), superseded flags removed, most urgent first."""
        first: dict[str, FlagHit] = {}
        for hit in hits:
            first.setdefault(hit.id, hit)
        hidden = {
            other
            for flag_id in first
            for other in self.catalogue.red_flag_by_id[flag_id].supersedes
        }
        kept = [hit for flag_id, hit in first.items() if flag_id not in hidden]
        kept.sort(key=lambda h: (contract.level_rank(h.level), self._order.get(h.id, 99)))
        return [
            {"id": h.id, "level": h.level, "evidence": h.evidence, "advice": h.advice} for h in kept
        ]
