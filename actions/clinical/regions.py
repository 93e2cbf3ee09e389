"""Plain-words read-back of body regions ("left lower back and right knee")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from actions.clinical.loader import Catalogue


def _words(region: Mapping[str, Any], catalogue: Catalogue) -> str | None:
    ident = region.get("region")
    if not isinstance(ident, str) or not ident:
        return None
    known = catalogue.region_by_id.get(ident)
    name = known.name if known else ident.replace("_", " ")
    side = region.get("side")
    if side == "both":
        return f"both {known.plural if known else name}"
    if side in ("left", "right"):
        return f"{side} {name}"
    return name


def describe(regions: Iterable[Any], catalogue: Catalogue) -> str:
    """Join regions as a patient would say them; ``""`` when there are none."""
    words: list[str] = []
    for region in regions:
        if isinstance(region, Mapping):
            described = _words(region, catalogue)
            if described and described not in words:
                words.append(described)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
