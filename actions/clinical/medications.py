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
# A dose as written: an amount with its unit, and how often ("5 mg daily", "500mg twice a
# day", "2 puffs as needed"), or how often alone ("once a day").
_FREQUENCY = (
    r"(?:once|twice|three times|3 times|four times)\s+(?:a|per|each)\s+(?:day|week|night)|"
    r"(?:every|each)\s+(?:day|morning|night|evening|week|\d+\s*hours?)|"
    r"(?:a|per)\s+day|daily|nightly|weekly|at night|in the morning|at bedtime|"
    r"as needed|when needed|prn|bd|bid|od|tds|tid|qds"
)
_DOSE_AS_WRITTEN = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:mg|mcg|\u00b5g|g|ml|iu|units?|puffs?|tablets?|tabs?|drops?)\b"
    rf"(?:\s*(?:,\s*)?(?:{_FREQUENCY})\b)?|\b(?:{_FREQUENCY})\b",
    re.IGNORECASE,
)


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


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]{4,}", text.lower()))


def medication_doses(
    hits: list[Hit], names: list[str], text: str, catalogue: Catalogue
) -> list[dict[str, str]]:
    """``[{"name", "dose"}]`` for each named medication whose dose the patient wrote.

    The dose is kept as written ("5 mg daily"), from the same piece of the answer as the
    medication ("warfarin 5 mg daily, and paracetamol when needed"); a recognised drug
    is found by the words the patient typed for it ("paracetamol" for acetaminophen).
    """
    typed: dict[str, set[str]] = {}
    for hit in hits:
        said = hit.evidence
        if hit.quote is not None:
            said = hit.quote.parsed.span_text(hit.quote.start, hit.quote.end)
        name = catalogue.medication_by_id[hit.ident].name
        typed.setdefault(name, set()).update(_words(said))
    doses: list[dict[str, str]] = []
    pieces = _SPLIT.split(text[:2000])
    for name in names:
        words = _words(name) | typed.get(name, set())
        for piece in pieces:
            if not words & set(re.findall(r"[a-z]{4,}", piece.lower())):
                continue
            found = [m.group(0).strip() for m in _DOSE_AS_WRITTEN.finditer(piece)]
            if found:
                doses.append({"name": name, "dose": " ".join(found)[:80]})
                break
    return doses


def _covered(candidate: str, hits: list[Hit]) -> bool:
    """True when ``candidate`` only repeats words of a recognised drug mention."""
    for hit in hits:
        words = hit.evidence
        if hit.quote is not None:
            words = hit.quote.parsed.span_text(hit.quote.start, hit.quote.end)
        if candidate in words.lower():
            return True
    return False
