"""How long the pain has lasted: "3 weeks", "since March", "for years" -> days + chronicity."""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from actions.intake._text import (
    NUMBER_WORD_PATTERN,
    ParseResult,
    blank_problem,
    clean,
    failed,
    mask_non_quantities,
    parse_number_token,
    tail,
)

# Contract section 1: acute < 6 weeks <= subacute < 12 weeks <= chronic.
_SUBACUTE_FROM_DAYS = 42
_CHRONIC_FROM_DAYS = 84
# Nobody has had pain for longer than a lifetime; more is a typo or a joke.
_MAX_DAYS = 120 * 365
# What "for years" (or "since I was a kid") means when no number is given: a safe lower
# bound that still lands in "chronic".
_VAGUE_PLURAL = 2
_LIFELONG_DAYS = 2 * 365


@dataclass(frozen=True)
class Duration:
    """A parsed pain duration: the patient's phrase, days since onset, and the chronicity."""

    text: str
    days: int
    chronicity: str


def chronicity_for(days: int) -> str:
    """``"acute"`` (< 42 days), ``"subacute"`` (< 84 days) or ``"chronic"``."""
    if days < _SUBACUTE_FROM_DAYS:
        return "acute"
    if days < _CHRONIC_FROM_DAYS:
        return "subacute"
    return "chronic"


# --- units and quantities -------------------------------------------------------------

# unit word (with common typos and Spanish) -> days per unit. Hours count as fractions of
# a day so that "48 hours" is 2 days; minutes never add up to a day.
_UNIT_DAYS: dict[str, float] = {
    word: days
    for spellings, days in (
        ("day days dys dayz dias días dia día", 1.0),
        ("week weeks wk wks wek weks weeek weeeks wekks semana semanas", 7.0),
        ("month months mo mos mth mths mnth mnths monts montsh monhts moths mes meses", 30.0),
        ("year years yr yrs yrz yeras yaers yesrs yeears año años ano anos", 365.0),
        ("hour hours hr hrs horas hora", 1 / 24),
        ("minute minutes min mins", 0.0),
    )
    for word in spellings.split()
}
# One-letter units only right after digits ("3w", "2y").
_SHORT_UNITS = {"d": 1.0, "w": 7.0, "y": 365.0, "h": 1 / 24}  # not "m": minutes or months?
_PLURAL_UNITS = {"days": 1.0, "weeks": 7.0, "months": 30.0, "years": 365.0, "yrs": 365.0}

_UNIT_PATTERN = "|".join(sorted((re.escape(u) for u in _UNIT_DAYS), key=len, reverse=True))
_NUM = rf"\d{{1,6}}(?:[.,]\d{{1,3}})?|(?:{NUMBER_WORD_PATTERN})(?:[\s-]+(?:{NUMBER_WORD_PATTERN}))?"
# Vague quantities: value of the quantity.
_VAGUE_QTY = {
    "a": 1.0,
    "an": 1.0,
    "a few": 3.0,
    "few": 3.0,
    "a couple": 2.0,
    "couple": 2.0,
    "a couple of": 2.0,
    "couple of": 2.0,
    "several": 3.0,
    "many": 6.0,
}
_VAGUE_PATTERN = r"a\s+few|few|a\s+couple(?:\s+of)?|couple(?:\s+of)?|several|many|an|a"

_QTY_RE = re.compile(
    rf"(?<![\w.-])(?P<q1>{_NUM}|{_VAGUE_PATTERN})"
    rf"(?:\s*(?:-|to|or)\s*(?P<q2>{_NUM}))?"
    r"(?P<half1>\s+and\s+a\s+half)?"
    # Digits may touch the unit ("3weeks"); words may not ("amo" is not "a mo").
    rf"(?:(?<=\d)\s*|\s+)(?P<unit>{_UNIT_PATTERN})\b"
    r"(?P<half2>\s+and\s+a\s+half)?",
)
_SHORT_QTY_RE = re.compile(r"(?<![\w.])(?P<q1>\d{1,4}(?:[.,]\d{1,2})?)(?P<unit>[dwyh])\b")
_HALF_RE = re.compile(rf"\bhalf\s+(?:a|an)\s+(?P<unit>{_UNIT_PATTERN})\b")
_BARE_PLURAL_RE = re.compile(r"\b(?P<unit>days|weeks|months|years|yrs)\b")
_LAST_UNIT_RE = re.compile(r"\b(?:the\s+)?(?:last|past)\s+(?P<unit>day|week|month|year)\b")
# "in 3 weeks" (not "in the last 3 weeks") is the future; "twice a day" is a frequency.
_NOT_ELAPSED_PREFIX_RE = re.compile(r"\b(?:in|within|after|next|once|twice|times|every|each)\s+$")
_AGO_RE = re.compile(r"^\s*ago\b")
_NUMBER_BEFORE_RE = re.compile(rf"(?:[\d.,-]|\b(?:{NUMBER_WORD_PATTERN}))\s*$")
_NEGATIVE_RE = re.compile(r"(?<![\w.])-\s?$")


def _quantity(token: str) -> float | None:
    t = " ".join(token.split())
    if t in _VAGUE_QTY:
        return _VAGUE_QTY[t]
    return parse_number_token(t)


@dataclass(frozen=True)
class DurationSpan:
    """Where a duration was found in a text, its length in days, and its kind.

    ``is_amount`` is True for amounts ("3 weeks") and False for calendar anchors
    ("March", "yesterday"); days may be negative for a date in the future.
    """

    start: int
    end: int
    days: float
    is_amount: bool = True


def _quantity_durations(low: str) -> list[DurationSpan]:
    found: list[DurationSpan] = []
    # "in 3 weeks": its "weeks" must not then count as a bare "weeks" (= for weeks).
    rejected: list[DurationSpan] = []
    for m in _QTY_RE.finditer(low):
        before = tail(low, m.start())
        if _NEGATIVE_RE.search(before) or (
            _NOT_ELAPSED_PREFIX_RE.search(before) and not _AGO_RE.match(low[m.end() :])
        ):
            rejected.append(DurationSpan(m.start(), m.end(), -1.0))
            continue
        q = _quantity(m.group("q1"))
        if m.group("q2"):
            q2 = _quantity(m.group("q2"))
            if q2 is not None and (q is None or q2 > q):
                q = q2  # "2-3 weeks": take the higher, like the pain scale
        if q is None or math.isnan(q):
            continue
        if m.group("half1") or m.group("half2"):
            q += 0.5
        found.append(DurationSpan(m.start(), m.end(), q * _UNIT_DAYS[m.group("unit")]))
    for m in _SHORT_QTY_RE.finditer(low):
        q = _quantity(m.group("q1"))
        if q is not None:
            found.append(DurationSpan(m.start(), m.end(), q * _SHORT_UNITS[m.group("unit")]))
    for m in _HALF_RE.finditer(low):
        found.append(DurationSpan(m.start(), m.end(), 0.5 * _UNIT_DAYS[m.group("unit")]))
    for m in _LAST_UNIT_RE.finditer(low):
        found.append(DurationSpan(m.start(), m.end(), _UNIT_DAYS[m.group("unit")]))
    for m in _BARE_PLURAL_RE.finditer(low):
        if _NUMBER_BEFORE_RE.search(tail(low, m.start())):
            continue  # "-3 weeks", "3.x weeks": a number we could not read, not "for weeks"
        if not any(f.start <= m.start() < f.end for f in found + rejected):
            found.append(
                DurationSpan(m.start(), m.end(), _VAGUE_PLURAL * _PLURAL_UNITS[m.group("unit")])
            )
    return _merge_compounds(low, found)


_COMPOUND_GAP_RE = re.compile(r"^\s*(?:,|and|&|\+)?\s*$")


def _merge_compounds(low: str, found: list[DurationSpan]) -> list[DurationSpan]:
    """Add up "2 years and 3 months" / "1 year 2 months" (bigger unit first)."""
    found = sorted(found, key=lambda f: (f.start, -f.end))
    merged: list[DurationSpan] = []
    for f in found:
        if merged and f.start < merged[-1].end:
            continue  # overlapping alternative reading of the same words
        if (
            merged
            and _COMPOUND_GAP_RE.match(low[merged[-1].end : f.start])
            and f.days < merged[-1].days
        ):
            prev = merged.pop()
            merged.append(DurationSpan(prev.start, f.end, prev.days + f.days, prev.is_amount))
        else:
            merged.append(f)
    return merged


# --- calendar anchors -----------------------------------------------------------------

_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
    # Spanish, cheap to support
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
# Month words that are also ordinary words need a date-ish neighbour.
_AMBIGUOUS_MONTHS = frozenset(
    {"may", "mar", "jan", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
)
_MONTH_PATTERN = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
_MONTH_RE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}}){_ORD}\s+(?:of\s+)?)?"
    rf"(?P<month>{_MONTH_PATTERN})\b\.?"
    rf"(?:\s+(?P<d2>\d{{1,2}}){_ORD}\b(?!\s*(?:{_UNIT_PATTERN})\b))?"
    r"(?:,?\s+(?P<year>(?:19|20)\d{2})\b|\s+(?P<lastyear>last\s+year)\b)?"
)
_MONTH_CONTEXT_RE = re.compile(
    r"\b(?:since|in|from|early|mid|late|middle\s+of|end\s+of|beginning\s+of|start\s+of|"
    r"around|about|of|last|before|during|back\s+in|desde|en)\s+(?:the\s+)?$"
)
_EARLY_LATE_RE = re.compile(r"\b(?P<part>early|mid|middle\s+of|late|end\s+of)\s+(?:the\s+)?$")
_YEAR_RE = re.compile(r"\b(?P<year>(?:19|20)\d{2})\b")
_YEAR_CONTEXT_RE = re.compile(
    r"\b(?:since|from|in|around|back\s+in|circa|year|early|mid|late|desde|en)\s+(?:the\s+)?$"
)
_ISO_DATE_RE = re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")
_SLASH_DATE_RE = re.compile(
    r"\b(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{2}|\d{4})\b"
)
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_WEEKDAY_RE = re.compile(
    r"\b(?:since|on|last|this\s+past|from)\s+(?:last\s+)?(?P<wd>monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)s?\b"
)
_SEASONS = {"spring": (3, 1), "summer": (6, 1), "fall": (9, 1), "autumn": (9, 1), "winter": (12, 1)}
_SEASON_RE = re.compile(
    r"\b(?:since|from|in|during|over|early|late)\s+(?:the\s+)?(?P<last>last\s+)?"
    r"(?P<season>spring|summer|fall|autumn|winter)\b|\blast\s+(?P<season2>spring|summer|fall|autumn|winter)\b"
)


def _easter(year: int) -> datetime.date:
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return datetime.date(year, month, day)


def _thanksgiving(year: int) -> datetime.date:
    first = datetime.date(year, 11, 1)
    first_thursday = first + datetime.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + datetime.timedelta(weeks=3)


def _fixed(month: int, day: int) -> Callable[[int], datetime.date]:
    return lambda year: datetime.date(year, month, day)


_HOLIDAYS: tuple[tuple[re.Pattern[str], Callable[[int], datetime.date]], ...] = (
    (re.compile(r"\b(?:christmas|xmas|x-mas|navidad)\b"), _fixed(12, 25)),
    (re.compile(r"\bnew\s+year'?s?\b|\bnew\s+years?\s+(?:eve|day)\b"), _fixed(1, 1)),
    (re.compile(r"\bthanksgiving\b"), _thanksgiving),
    (re.compile(r"\beaster\b"), _easter),
    (re.compile(r"\bhalloween\b"), _fixed(10, 31)),
    (re.compile(r"\bvalentine'?s?\b"), _fixed(2, 14)),
    (re.compile(r"\b(?:fourth|4th)\s+of\s+july\b|\bjuly\s+(?:fourth|4th)\b"), _fixed(7, 4)),
)

_RELATIVE: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\bday\s+before\s+yesterday\b"), 2),
    (re.compile(r"\b(?:yesterday|last\s+night|ayer)\b"), 1),
    (
        re.compile(
            r"\b(?:today|this\s+(?:morning|afternoon|evening)|tonight|just\s+now|"
            r"an?\s+(?:few\s+)?(?:hours?|minutes?)\s+ago|hoy)\b"
        ),
        0,
    ),
)
_LAST_WEEKEND_RE = re.compile(r"\b(?:last|this\s+past|the)\s+weekend\b")
# Phrases meaning "most of my life": days unknown, certainly chronic.
_LIFELONG_RE = re.compile(
    r"\b(?:since\s+(?:i\s+was\s+(?:a\s+)?(?:kid|child|teen|teenager|little|young|baby|boy|girl)|"
    r"childhood|birth|i\s+was\s+born|high\s+school|school|college|university|my\s+teens?)|"
    r"(?:all|most\s+of)\s+my\s+(?:adult\s+)?life|my\s+whole\s+life|forever|"
    r"as\s+long\s+as\s+i\s+can\s+remember)\b"
)


def _last_occurrence(
    make: Callable[[int], datetime.date], today: datetime.date
) -> datetime.date | None:
    """The most recent date ``make(year)`` that is not after ``today``."""
    for year in (today.year, today.year - 1):
        try:
            d = make(year)
        except ValueError:  # Feb 29 in a common year, day 31 in a short month
            continue
        if d <= today:
            return d
    return None


def _anchor_days(low: str, today: datetime.date) -> list[DurationSpan]:
    """Durations from dates: "since March", "since 2019", "since Christmas", "yesterday"."""
    found: list[DurationSpan] = []

    def add(m: re.Match[str], date: datetime.date | None) -> None:
        if date is not None:
            # A date after today cannot be an onset: recorded as negative, rejected later.
            found.append(DurationSpan(m.start(), m.end(), float((today - date).days), False))

    for m in _MONTH_RE.finditer(low):
        word = m.group("month")
        day_s = m.group("d1") or m.group("d2")
        year_s = m.group("year")
        before = tail(low, m.start())
        if (
            word in _AMBIGUOUS_MONTHS
            and not day_s
            and not year_s
            and not _MONTH_CONTEXT_RE.search(before)
        ):
            continue
        month = _MONTHS[word]
        day = int(day_s) if day_s else 1
        if not day_s:
            part = _EARLY_LATE_RE.search(before)
            if part:
                day = {"early": 1, "mid": 15, "middle of": 15}.get(
                    " ".join(part["part"].split()), 20
                )
        if year_s:
            try:
                add(m, datetime.date(int(year_s), month, day))
            except ValueError:
                continue
        elif m.group("lastyear"):
            try:
                add(m, datetime.date(today.year - 1, month, day))
            except ValueError:
                continue
        else:
            add(m, _last_occurrence(_fixed(month, day), today))
    # Full dates first, so that the year inside "2024-05-15" is not read as "since 2024".
    taken = [(f.start, f.end) for f in found]
    for m in _ISO_DATE_RE.finditer(low):
        taken.append((m.start(), m.end()))
        try:
            add(m, datetime.date(int(m["y"]), int(m["m"]), int(m["d"])))
        except ValueError:
            continue
    for m in _SLASH_DATE_RE.finditer(low):
        taken.append((m.start(), m.end()))
        a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
        if y < 100:
            y += 2000 if 2000 + y <= today.year else 1900
        # North America first (month/day); day/month when the first number cannot be a month.
        month, day = (b, a) if a > 12 else (a, b)
        try:
            add(m, datetime.date(y, month, day))
        except ValueError:
            continue
    for m in _YEAR_RE.finditer(low):
        if any(s <= m.start() < e for s, e in taken):
            continue
        whole = low.strip(" .!") == m.group()
        if whole or _YEAR_CONTEXT_RE.search(tail(low, m.start())):
            add(m, datetime.date(int(m.group("year")), 1, 1))
    for m in _WEEKDAY_RE.finditer(low):
        back = (today.weekday() - _WEEKDAYS[m.group("wd")]) % 7 or 7
        add(m, today - datetime.timedelta(days=back))
    for m in _SEASON_RE.finditer(low):
        season = m.group("season") or m.group("season2")
        mo, d = _SEASONS[season]
        start = _last_occurrence(_fixed(mo, d), today)
        said_last = bool(m.group("last") or m.group("season2"))
        if start is not None and said_last and (today - start).days < 92:
            # We are in that season now, so "last summer" means the one before.
            start = start.replace(year=start.year - 1)
        add(m, start)
    for rx, make in _HOLIDAYS:
        for m in rx.finditer(low):
            add(m, _last_occurrence(make, today))
    for rx, days in _RELATIVE:
        for m in rx.finditer(low):
            found.append(DurationSpan(m.start(), m.end(), float(days), False))
    for m in _LAST_WEEKEND_RE.finditer(low):
        found.append(DurationSpan(m.start(), m.end(), float((today.weekday() - 5) % 7 or 7), False))
    for m in _LIFELONG_RE.finditer(low):
        found.append(DurationSpan(m.start(), m.end(), float(_LIFELONG_DAYS), False))
    return found


def duration_spans(low: str, today: datetime.date) -> list[DurationSpan]:
    """Every duration found in lower-cased ``low``, in text order (for find_volunteered)."""
    found = _quantity_durations(mask_non_quantities(low)) + _anchor_days(low, today)
    return sorted(found, key=lambda f: (f.start, -f.end))


def parse_duration(text: str, *, today: datetime.date) -> ParseResult[Duration]:
    """Parse how long the pain has lasted, relative to ``today``.

    Accepts amounts ("3 weeks", "for 3 wks", "1.5 years", "a couple of weeks", "years"),
    anchors ("since March", "since 2019", "since Christmas", "since yesterday") and
    "today"/"this morning" (0 days). When several are given the longest wins (the pain has
    lasted at least that long). Problems: ``"empty"``, ``"not_understood"`` (nothing found,
    a future date, or an impossible length).
    """
    s = clean(text)
    if not s:
        return failed(blank_problem(text))
    low = s.lower()
    # Dates are masked for the amount search but are exactly what the anchor search wants.
    candidates = duration_spans(low, today)
    valid = [f.days for f in candidates if 0 <= f.days <= _MAX_DAYS]
    if not valid:
        return failed("not_understood")
    days = int(max(valid) + 0.5)
    return ParseResult(Duration(text=s[:200].strip(), days=days, chronicity=chronicity_for(days)))
