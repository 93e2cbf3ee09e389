"""What one message says: body regions with sides, symptoms, mechanisms, history,
medications and condition cues, each non-negated and quoted in the patient's words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from actions.clinical.loader import Catalogue
from actions.clinical.negation import is_negated
from actions.clinical.nlp import Engine, Mention, Parsed

_PLURAL_IRREGULAR = frozenset({"feet", "calves", "thighs"})
_REGION_NEGATORS = frozenset({"no", "not", "never", "without"})


@dataclass(frozen=True)
class Quote:
    """Where a finding sits in a parsed message (to quote the patient's words)."""

    parsed: Parsed = field(compare=False)
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    """A non-negated mention: catalogue id, the patient's words, position in the text."""

    ident: str
    evidence: str
    order: int
    extra: str = ""
    quote: Quote | None = None


@dataclass(frozen=True)
class RegionHit:
    """A body region the patient named, with side and finer part when given."""

    region: str
    side: str | None
    part: str | None
    evidence: str
    order: int
    quote: Quote | None = None


@dataclass
class Findings:
    """Everything extracted from one message."""

    regions: list[RegionHit] = field(default_factory=list)
    symptoms: list[Hit] = field(default_factory=list)
    mechanisms: list[Hit] = field(default_factory=list)
    history: list[Hit] = field(default_factory=list)
    medications: list[Hit] = field(default_factory=list)
    keywords: list[Hit] = field(default_factory=list)
    diagnoses: list[Hit] = field(default_factory=list)
    variants: list[Hit] = field(default_factory=list)
    chronicity: str | None = None
    chronicity_evidence: str = ""


def longest_first(mentions: Iterable[Mention]) -> list[Mention]:
    """Non-overlapping mentions, preferring the longest (then the earliest), in text order."""
    taken: list[Mention] = []
    used: set[int] = set()
    for mention in sorted(mentions, key=lambda m: (m.start - m.end, m.start)):
        tokens = range(mention.start, mention.end)
        if not used.intersection(tokens):
            taken.append(mention)
            used.update(tokens)
    return sorted(taken, key=lambda m: m.start)


class Extractor:
    """Turns a :class:`Parsed` message into :class:`Findings`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.catalogue: Catalogue = engine.catalogue

    def negated(self, parsed: Parsed, mention: Mention) -> bool:
        """True when ``mention`` is negated in its clause."""
        return is_negated(parsed, mention.start, mention.end, catalogue=self.catalogue)

    def _kept(self, parsed: Parsed, kind: str) -> list[Mention]:
        return [m for m in longest_first(parsed.of(kind)) if not self.negated(parsed, m)]

    def _hits(self, parsed: Parsed, mentions: Iterable[Mention]) -> list[Hit]:
        return [
            Hit(
                m.ident,
                parsed.snippet(m.start, m.end),
                m.start,
                m.extra,
                Quote(parsed, m.start, m.end),
            )
            for m in mentions
        ]

    def medications(self, parsed: Parsed) -> list[Hit]:
        """Only the recognised, non-negated medications of a message."""
        return self._hits(parsed, self._kept(parsed, "medication"))

    def extract(self, parsed: Parsed, *, professional: bool = False) -> Findings:
        """All findings of one message; ``professional`` marks a diagnosis answer."""
        symptoms = self._kept(parsed, "symptom")
        symptom_spans = [(m.start, m.end) for m in longest_first(parsed.of("symptom"))]
        mechanisms = [
            m
            for m in self._kept(parsed, "mechanism")
            if not any(
                lo <= m.start and m.end <= hi and hi - lo > m.end - m.start
                for lo, hi in symptom_spans
            )
        ]
        findings = Findings(
            regions=self.regions(parsed),
            symptoms=self._hits(parsed, symptoms),
            mechanisms=self._hits(parsed, mechanisms),
            history=self._hits(parsed, self._kept(parsed, "history")),
            medications=self._hits(parsed, self._kept(parsed, "medication")),
            keywords=self._hits(
                parsed, [m for m in parsed.of("keyword") if not self.negated(parsed, m)]
            ),
            variants=self._hits(
                parsed, [m for m in parsed.of("variant") if not self.negated(parsed, m)]
            ),
            diagnoses=self.diagnoses(parsed, professional=professional),
        )
        hints = self._kept(parsed, "chronicity")
        chronic = [m for m in hints if m.ident == "chronic"]
        chosen = chronic[0] if chronic else (hints[0] if hints else None)
        if chosen is not None:
            findings.chronicity = chosen.ident
            findings.chronicity_evidence = parsed.snippet(chosen.start, chosen.end)
        return findings

    def diagnoses(self, parsed: Parsed, *, professional: bool) -> list[Hit]:
        """Named conditions, marked ``professional``, ``self`` or ``ruled_out``."""
        cue_sentences = {
            parsed.sentence_of[m.start] for m in parsed.of("dxcue") if not self.negated(parsed, m)
        }
        hits = []
        for mention in longest_first(parsed.of("diagnosis")):
            if self.negated(parsed, mention):
                status = "ruled_out"
            elif professional or parsed.sentence_of[mention.start] in cue_sentences:
                status = "professional"
            else:
                status = "self"
            evidence = parsed.snippet(mention.start, mention.end)
            quote = Quote(parsed, mention.start, mention.end)
            hits.append(Hit(mention.ident, evidence, mention.start, status, quote))
        return hits

    # -- regions and sides -------------------------------------------------------------

    def _region_ok(self, parsed: Parsed, mention: Mention) -> bool:
        term = self.catalogue.region_by_id[mention.ident].terms[int(mention.extra)]
        doc, eng = parsed.doc, self.engine
        after = doc[mention.end].norm_ if mention.end < len(doc) else ""
        if term.needs_context:
            before = doc[mention.start - 1].norm_ if mention.start else ""
            if after in eng.context_never_after:
                return False
            if before not in eng.context_before and after not in eng.context_after:
                return False
        # "not my neck", "no knee pain": the region itself is excluded.
        lo = mention.start - 1
        if lo >= 0 and doc[lo].norm_ == "my":
            lo -= 1
        return not (lo >= 0 and doc[lo].norm_ in _REGION_NEGATORS)

    def regions(self, parsed: Parsed) -> list[RegionHit]:
        """Body regions with their side, merged per region (left + right = both)."""
        mentions = longest_first(m for m in parsed.of("region") if self._region_ok(parsed, m))
        region_tokens = {i for m in mentions for i in range(m.start, m.end)}
        sides = longest_first(parsed.of("side"))
        after = longest_first(parsed.of("side_after"))
        raw: list[RegionHit] = []
        for mention in mentions:
            region = self.catalogue.region_by_id[mention.ident]
            term = region.terms[int(mention.extra)]
            side = self._side_after(parsed, mention, after)
            if side is None:
                side = self._side_before(parsed, mention, sides, region.paired, region_tokens)
            if side is None and region.paired and term.plural_side:
                last = parsed.doc[mention.end - 1].lower_
                if last in _PLURAL_IRREGULAR or (last.endswith("s") and not last.endswith("ss")):
                    side = "both"
            if side == "both" and not region.paired:
                side = None
            evidence = parsed.snippet(mention.start, mention.end, context=2)
            quote = Quote(parsed, *self._side_span(parsed, mention, sides))
            raw.append(RegionHit(region.id, side, term.part, evidence, mention.start, quote))
        return merge_regions(raw)

    @staticmethod
    def _side_span(parsed: Parsed, mention: Mention, sides: list[Mention]) -> tuple[int, int]:
        """The region's span, widened to a side word just before it ("left knee")."""
        for side in sides:
            near = side.end <= mention.start and mention.start - side.end <= 2
            if near and parsed.clause_of[side.start] == parsed.clause_of[mention.start]:
                return side.start, mention.end
        return mention.start, mention.end

    def _side_before(
        self,
        parsed: Parsed,
        mention: Mention,
        sides: list[Mention],
        paired: bool,
        region_tokens: set[int],
    ) -> str | None:
        window = self.catalogue.lexicon.sides_window + (mention.end - mention.start)
        for side in reversed(sides):
            if side.end > mention.start:
                continue
            if parsed.clause_of[side.start] != parsed.clause_of[mention.start]:
                return None
            gap = range(side.end, mention.start)
            if len(gap) > window:
                return None
            for i in gap:
                if parsed.doc[i].norm_ in self.engine.side_gap:
                    continue
                if paired and i in region_tokens:
                    continue
                return None
            return side.ident
        return None

    def _side_after(self, parsed: Parsed, mention: Mention, after: list[Mention]) -> str | None:
        doc = parsed.doc
        for side in after:
            if side.start < mention.end:
                continue
            if side.start - mention.end > 2:
                return None
            gap_ok = all(doc[i].text in {",", "(", "-"} for i in range(mention.end, side.start))
            single = side.end - side.start == 1
            ends = side.end >= len(doc) or not doc[side.end].is_alpha
            if gap_ok and (not single or ends):
                return side.ident
            return None
        return None


def merge_regions(hits: list[RegionHit]) -> list[RegionHit]:
    """One entry per region: sided mentions win over unsided ones; left + right = both."""
    by_region: dict[str, list[RegionHit]] = {}
    for hit in hits:
        by_region.setdefault(hit.region, []).append(hit)
    merged: list[RegionHit] = []
    for group in by_region.values():
        sided = [h for h in group if h.side]
        sides = {h.side for h in sided}
        first = sided[0] if sided else group[0]
        part = next((h.part for h in group if h.part), None)
        if {"left", "right"} <= sides or "both" in sides:
            side: str | None = "both"
        else:
            side = first.side
        merged.append(
            RegionHit(first.region, side, part, first.evidence, group[0].order, first.quote)
        )
    return sorted(merged, key=lambda h: h.order)
