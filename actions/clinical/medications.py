"""Medication names from a free-text answer, normalised ("eliquis" -> "apixaban (Eliquis)")."""

from __future__ import annotations

import re

from actions.clinical.extraction import Hit
from actions.clinical.loader import Catalogue

_SPLIT = re.compile(r"[,;/\n+&]|\band\b|\bplus\b|\balso\b|\bthen\b", re.IGNORECASE)
_FILLER = re.compile(
    r"^(?:i\s+(?:take|use|am on|'m on|m on|have)|i'm on|im on|taking|take|on|just|only|"
    r"some|a|an|the|daily|also|and|plus)\b\s*",
    re.IGNORECASE,
)
_DOSE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|g|ml|iu|units?)\b|\b(?:once|twice) (?:a|per) day\b"
)
_NOT_A_DRUG = re.compile(
    r"\b(?:no|not|none|nothing|never|don'?t|doesn'?t|stopped|n/a|nope|nah|my|for|the|"
    r"about|sure|know|remember|think|with|sometimes|when|if|pain|need|needed)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"^[a-z][a-z0-9\- ]{2,30}$", re.IGNORECASE)


def medication_names(
    hits: list[Hit], text: str, catalogue: Catalogue, *, is_none: bool
) -> list[str]:
    """Recognised drugs by their display name, then unrecognised short drug-like words."""
    if is_none:
        return []
    names = [catalogue.medication_by_id[hit.ident].name for hit in hits]
    for piece in _SPLIT.split(text[:2000]):
        candidate = _DOSE.sub(" ", piece).strip(" .!?:-()\"'")
        previous = None
        while previous != candidate:
            previous = candidate
            candidate = _FILLER.sub("", candidate).strip()
        if not candidate or not _WORD.match(candidate) or len(candidate.split()) > 2:
            continue
        if _NOT_A_DRUG.search(candidate):
            continue
        lowered = candidate.lower()
        if any(lowered in name.lower() or name.lower() in lowered for name in names):
            continue
        if _covered(lowered, hits):
            continue
        names.append(lowered)
    return list(dict.fromkeys(names))[:15]


def _covered(candidate: str, hits: list[Hit]) -> bool:
    """True when ``candidate`` only repeats words of a recognised drug mention."""
    for hit in hits:
        words = hit.evidence
        if hit.quote is not None:
            words = hit.quote.parsed.span_text(hit.quote.start, hit.quote.end)
        if candidate in words.lower():
            return True
    return False
