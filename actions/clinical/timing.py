"""When did an event in a sentence happen? ("knee surgery 2 weeks ago", "surgery years ago").

Used by red flags that only count when recent (surgery < 6 weeks, fracture...).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Final, Literal

from actions.number_words import TEENS, UNITS

OLD_DAYS: Final = 10_000

#: How many of a unit a word means ("three weeks", "a couple of months", "several years").
_NUMBERS: Final = {
    "a": 1,
    "an": 1,
    **{word: value for word, value in {**UNITS, **TEENS}.items() if 1 <= value <= 12},
    "a few": 3,
    "few": 3,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "couple": 2,
    "several": 4,
}
_UNIT_DAYS: Final = {"d": 1, "w": 7, "m": 30, "y": 365}
_MONTHS: Final = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

# Longest first, so "a couple of" wins over "a" and "eleven" is never cut short.
_NUM = r"(\d{1,3}(?:\.\d)?|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"
_UNIT = r"(days?|weeks?|wks?|months?|mos?|years?|yrs?)"
_AGO = re.compile(rf"\b{_NUM}\s*{_UNIT}\s*(?:ago|back|before now|post[\s-]?op|out from|since)\b")
_AFTER = re.compile(rf"\b{_NUM}\s*{_UNIT}\s*(?:after|post|out)\b")
_FUTURE = re.compile(
    rf"\b(?:next (?:week|month|year)|upcoming|scheduled|planned for|going to have|"
    rf"will have|booked for|in {_NUM}\s*{_UNIT}(?! ago))\b"
)
_OLD = re.compile(
    r"\b(?:years ago|decades ago|long time ago|long ago|years back|as a (?:kid|child|teen|"
    r"teenager|baby|toddler)|when i was (?:young|little|a kid|a child|a teenager|\d+)|"
    r"in (?:my|the) (?:teens|twenties|20s|thirties|30s|forties|40s)|childhood|"
    r"in (?:high school|college|university)|ages ago|last decade)\b"
)
_RELATIVE: Final = {
    "yesterday": 1,
    "today": 0,
    "this morning": 0,
    "tonight": 0,
    "last night": 1,
    "this week": 3,
    "last week": 7,
    "last weekend": 5,
    "past week": 7,
    "this month": 15,
    "last month": 30,
    "past month": 30,
    "recently": 14,
    "just had": 7,
    "the other day": 4,
    "few days ago": 3,
    "last year": 365,
    "past year": 200,
}
_RELATIVE_RE = re.compile(r"\b(" + "|".join(re.escape(k) for k in _RELATIVE) + r")\b")
_MONTH_RE = re.compile(r"\b(?:in|on|since|back in|last) (" + "|".join(_MONTHS) + r")\b")
_YEAR_RE = re.compile(r"\b((?:19|20)\d\d)\b")


@dataclass(frozen=True)
class Timing:
    """How long ago an event happened: ``days`` for ``kind == "past"``."""

    kind: Literal["past", "old", "future", "unknown"]
    days: int | None = None


def _number(word: str) -> float:
    try:
        return float(word)
    except ValueError:
        return float(_NUMBERS.get(word, 1))


def _unit_days(unit: str) -> int:
    return _UNIT_DAYS["m" if unit.startswith("mo") else unit[0]]


def event_timing(sentence: str, *, at: int, today: datetime.date) -> Timing:
    """The time expression nearest to character ``at`` in ``sentence`` (lower-case)."""
    found: list[tuple[int, Timing]] = []
    for match in _AGO.finditer(sentence):
        days = int(_number(match.group(1)) * _unit_days(match.group(2)))
        found.append((match.start(), Timing("past", days)))
    for match in _AFTER.finditer(sentence):
        days = int(_number(match.group(1)) * _unit_days(match.group(2)))
        found.append((match.start(), Timing("past", days)))
    for match in _FUTURE.finditer(sentence):
        found.append((match.start(), Timing("future")))
    for match in _OLD.finditer(sentence):
        found.append((match.start(), Timing("old", OLD_DAYS)))
    for match in _RELATIVE_RE.finditer(sentence):
        found.append((match.start(), Timing("past", _RELATIVE[match.group(1)])))
    for match in _MONTH_RE.finditer(sentence):
        month = _MONTHS.index(match.group(1)) + 1
        year = today.year if month <= today.month else today.year - 1
        days = (today - datetime.date(year, month, 15)).days
        found.append((match.start(), Timing("past", max(days, 0))))
    for match in _YEAR_RE.finditer(sentence):
        year = int(match.group(1))
        if year < today.year:
            days = (today - datetime.date(year, 7, 1)).days
            found.append((match.start(), Timing("past", days)))
        elif year == today.year:
            found.append((match.start(), Timing("past", today.timetuple().tm_yday // 2)))
    if not found:
        return Timing("unknown")
    return min(found, key=lambda item: abs(item[0] - at))[1]
