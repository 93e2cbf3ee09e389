"""Map an onset answer ("fell off my bike", "from typing all day") to a contract category."""

from __future__ import annotations

from actions.clinical.extraction import Hit
from actions.clinical.loader import Catalogue

#: When two categories tie, the earlier one wins (a clear event beats a vague cause).
_TIE_ORDER = (
    "accident",
    "surgery",
    "sports",
    "repetitive_strain",
    "posture",
    "stress",
    "other",
    "gradual_unknown",
)


def onset_category(mechanisms: list[Hit], catalogue: Catalogue) -> str:
    """The category whose mechanisms weigh most; ``other`` for unmatched text or none."""
    totals: dict[str, float] = {}
    for hit in mechanisms:
        mechanism = catalogue.mechanism_by_id[hit.ident]
        totals[mechanism.onset] = totals.get(mechanism.onset, 0.0) + mechanism.weight
    if not totals:
        return "other"
    return max(_TIE_ORDER, key=lambda c: (totals.get(c, 0.0), -_TIE_ORDER.index(c)))
