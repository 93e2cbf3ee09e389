"""Rank the conditions the answers point to, then the techniques that suit them.

Deterministic and explainable: every point of a score comes from a weighted finding in
``conditions.yml`` and is quoted back as evidence in the patient's own words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from actions.clinical.extraction import Findings, Hit, Quote, RegionHit
from actions.clinical.loader import Catalogue
from actions.clinical.models import Condition, Finding, IcdVariant

_MAX_EVIDENCE = 4
_CONDITIONS_FOR_TECHNIQUES = 3
_MERGE_GAP = 2

Evidence = Hit | RegionHit | str


def _quote(item: Evidence) -> Quote | str:
    if isinstance(item, str):
        return item
    return item.quote if item.quote is not None else item.evidence


def quote_evidence(reasons: list[tuple[float, Evidence]]) -> tuple[str, ...]:
    """The patient's words behind a score: nearby findings merged into one phrase, the
    weightiest first, at most a few."""
    spans: dict[int, list[tuple[float, Quote]]] = {}
    scored: list[tuple[float, str]] = []
    for weight, item in reasons:
        quote = _quote(item)
        if isinstance(quote, Quote):
            spans.setdefault(id(quote.parsed), []).append((weight, quote))
        elif quote:
            scored.append((weight, quote))
    for group in spans.values():
        group.sort(key=lambda wq: wq[1].start)
        parsed = group[0][1].parsed
        current: list[float] = []
        lo = hi = -1
        for weight, quote in group:
            same = lo >= 0 and parsed.clause_of[quote.start] == parsed.clause_of[lo]
            if same and quote.start - hi <= _MERGE_GAP:
                current.append(weight)
                hi = max(hi, quote.end)
                continue
            if lo >= 0:
                scored.append((sum(current), parsed.snippet(lo, hi, context=0)))
            current, lo, hi = [weight], quote.start, quote.end
        if lo >= 0:
            scored.append((sum(current), parsed.snippet(lo, hi, context=0)))
    ordered = [text for _, text in sorted(scored, key=lambda wt: -wt[0]) if text]
    unique: list[str] = []
    for text in ordered:
        lowered = text.lower()
        if any(lowered in kept.lower() for kept in unique):
            continue
        unique = [kept for kept in unique if kept.lower() not in lowered]
        unique.append(text)
    return tuple(unique[:_MAX_EVIDENCE])


# The findings of every answer, pooled for scoring: same shape as one message's.
Profile = Findings


@dataclass(frozen=True)
class Ranked:
    """A scored condition with the reasons behind its score."""

    condition: Condition
    raw: float
    score: float
    icd10: str
    evidence: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The contract's ``suggested_conditions`` entry."""
        return {
            "id": self.condition.id,
            "name": self.condition.name,
            "icd10": self.icd10,
            "score": self.score,
            "evidence": list(self.evidence),
        }


class Scorer:
    """Scores conditions and picks techniques from one catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.params = catalogue.scoring

    def _classes(self, profile: Profile) -> dict[str, Hit]:
        found: dict[str, Hit] = {}
        for med in profile.medications:
            for drug_class in self.catalogue.medication_by_id[med.ident].classes:
                found.setdefault(drug_class, med)
        return found

    def _match(
        self, finding: Finding, condition: Condition, profile: Profile, classes: dict[str, Hit]
    ) -> Evidence | None:
        """Evidence for ``finding`` in ``profile`` (or None when it does not match)."""
        ids = set(finding.ids)
        kind = finding.kind
        if kind == "region":
            return next((r for r in profile.regions if r.region in ids), None)
        if kind == "part":
            return next((r for r in profile.regions if r.part in ids), None)
        if kind == "chronicity":
            return profile.chronicity_evidence if profile.chronicity in ids else None
        if kind == "medication":
            return next((classes[c] for c in finding.ids if c in classes), None)
        if kind == "keyword":
            return next(
                (
                    k
                    for k in profile.keywords
                    if k.ident == condition.id and k.extra == finding.name
                ),
                None,
            )
        pool = {
            "symptom": profile.symptoms,
            "mechanism": profile.mechanisms,
            "history": profile.history,
        }
        return next((h for h in pool[kind] if h.ident in ids), None)

    def _diagnosis(self, condition: Condition, profile: Profile) -> tuple[float, Hit | None]:
        weights = {
            "professional": self.params.diagnosis_weight,
            "self": self.params.self_reported_weight,
            "history": self.params.history_weight,
            "ruled_out": self.params.ruled_out_weight,
        }
        best: tuple[float, Hit | None] = (0.0, None)
        for hit in profile.diagnoses:
            if hit.ident != condition.id:
                continue
            weight = weights.get(hit.extra, 0.0)
            if hit.extra == "ruled_out":
                return weight, None
            if weight > best[0]:
                best = (weight, hit)
        return best

    def rank(self, profile: Profile) -> list[Ranked]:
        """Conditions above the threshold, best first (ties keep catalogue order)."""
        classes = self._classes(profile)
        ranked: list[Ranked] = []
        for condition in self.catalogue.conditions:
            raw = condition.prior
            matched: set[str] = set()
            reasons: list[tuple[float, Evidence]] = []
            for finding in condition.findings:
                evidence = self._match(finding, condition, profile, classes)
                if evidence is None:
                    continue
                raw += finding.weight
                matched.update(finding.keys)
                if finding.weight > 0:
                    reasons.append((finding.weight, evidence))
            dx_weight, dx_evidence = self._diagnosis(condition, profile)
            raw += dx_weight
            if dx_evidence is not None:
                reasons.append((dx_weight, dx_evidence))
            waived = dx_weight >= self.params.self_reported_weight
            if not waived and any(not matched.intersection(group) for group in condition.requires):
                continue
            if raw < self.params.min_raw:
                continue
            score = round(1.0 - math.exp(-raw / self.params.scale), 2)
            ranked.append(
                Ranked(
                    condition,
                    raw,
                    score,
                    self._icd10(condition, profile),
                    quote_evidence(reasons),
                )
            )
        ranked.sort(key=lambda r: -r.raw)
        return ranked[: self.params.max_conditions]

    def _icd10(self, condition: Condition, profile: Profile) -> str:
        """The most specific code the answers support (side, region, part, phrase)."""
        variants = condition.icd10_variants
        phrase_hits = {int(v.extra) for v in profile.variants if v.ident == condition.id}
        for index, variant in enumerate(variants):
            if variant.phrases and index in phrase_hits:
                return variant.code
        weight = self._region_weights(condition)
        ordered = sorted(
            profile.regions,
            key=lambda r: (
                -max(weight.get(r.region, 0.0), weight.get(r.part or "", 0.0)),
                r.side is None,
                r.order,
            ),
        )
        for region in ordered:
            code = self._variant_for(variants, region)
            if code:
                return code
        return condition.icd10

    @staticmethod
    def _region_weights(condition: Condition) -> dict[str, float]:
        weights: dict[str, float] = {}
        for finding in condition.findings:
            if finding.kind in ("region", "part"):
                for ident in finding.ids:
                    weights[ident] = max(weights.get(ident, 0.0), finding.weight)
        return weights

    @staticmethod
    def _variant_for(variants: tuple[IcdVariant, ...], region: RegionHit) -> str | None:
        def fits(variant: IcdVariant) -> bool:
            if variant.phrases:
                return False
            if variant.regions is not None and region.region not in variant.regions:
                return False
            return variant.parts is None or region.part in variant.parts

        if region.side:
            for variant in variants:
                if variant.side == region.side and fits(variant):
                    return variant.code
        for variant in variants:
            if variant.side is None and fits(variant):
                return variant.code
        return None

    # -- techniques --------------------------------------------------------------------

    def techniques(
        self,
        ranked: list[Ranked],
        flags: list[dict[str, Any]],
        *,
        pressure: str | None = None,
    ) -> list[dict[str, Any]]:
        """Techniques for the leading conditions, with red-flag cautions; avoided ones dropped."""
        weights: dict[str, float] = {}
        reasons: dict[str, list[str]] = {}
        leaders = [
            r
            for r in ranked[:_CONDITIONS_FOR_TECHNIQUES]
            if r is ranked[0] or r.score >= self.params.technique_min_score
        ]
        for rank, entry in enumerate(leaders):
            emphasis = 1.0 if rank == 0 else 0.4
            for position, use in enumerate(entry.condition.techniques):
                share = entry.score * emphasis * 0.7**position
                weights[use.id] = weights.get(use.id, 0.0) + share
                reasons.setdefault(use.id, []).append(f"{entry.condition.name}: {use.why}")
        if not weights:
            weights["swedish_massage"] = 0.1
            reasons["swedish_massage"] = [
                "No specific pattern found: gentle general work for relaxation and "
                "circulation while the therapist assesses"
            ]
        cautions, avoided = self._cautions(flags)
        if pressure == "light":
            for technique in self.catalogue.techniques:
                if technique.pressure == "firm":
                    cautions.setdefault(technique.id, []).append("patient prefers light pressure")
        result = []
        for technique_id in sorted(weights, key=lambda t: -weights[t]):
            if technique_id in avoided:
                continue
            technique = self.catalogue.technique_by_id[technique_id]
            result.append(
                {
                    "id": technique.id,
                    "name": technique.name,
                    "cpt": technique.cpt,
                    "rationale": "; ".join(reasons[technique_id][:2]),
                    "cautions": list(dict.fromkeys(cautions.get(technique_id, []))),
                }
            )
        return result[: self.params.max_techniques]

    def _cautions(self, flags: list[dict[str, Any]]) -> tuple[dict[str, list[str]], set[str]]:
        cautions: dict[str, list[str]] = {}
        avoided: set[str] = set()
        for raised in flags:
            flag = self.catalogue.red_flag_by_id.get(str(raised.get("id")))
            if flag is None:
                continue
            for technique in self.catalogue.techniques:
                rule = flag.techniques.get(technique.id) or flag.techniques.get("*")
                if rule is None:
                    continue
                if rule.action == "avoid":
                    avoided.add(technique.id)
                else:
                    cautions.setdefault(technique.id, []).append(f"{rule.note}: {flag.id}")
        return cautions, avoided
