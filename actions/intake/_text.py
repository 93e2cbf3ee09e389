"""Shared helpers for the intake parsers: the result type, text cleaning, numbers, gibberish.

Everything here is pure and cheap; the regexes are compiled once at import time.
"""

from __future__ import annotations

import html
import itertools
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Generic, NamedTuple, TypeVar

from actions.number_words import TEENS, TENS, UNITS

T = TypeVar("T")

# Patients sometimes paste whole documents; nothing useful for one slot lies beyond this.
MAX_CHARS = 2000


@dataclass(frozen=True)
class ParseResult(Generic[T]):
    """The outcome of parsing one answer.

    ``value`` is the parsed value, or ``None`` with a machine-readable ``problem`` code
    (``"empty"``, ``"not_understood"``, ``"out_of_range"``, ``"not_a_name"``, ...).
    """

    value: T | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """True when a value was parsed (note that 0 is a valid value for pain)."""
        return self.value is not None


def words(text: str) -> frozenset[str]:
    """A set of words from a whitespace-separated literal (keeps long word lists readable)."""
    return frozenset(text.split())


def tail(s: str, end: int, size: int = 60) -> str:
    """The ``size`` characters before ``end``: look-behind context without rescanning ``s``."""
    return s[max(0, end - size) : end]


def blank_problem(text: object) -> str:
    """Problem code for text that cleans to nothing: blank input vs. e.g. bare HTML."""
    return "empty" if not isinstance(text, str) or not text.strip() else "not_understood"


def failed(problem: str) -> ParseResult[T]:
    """A ParseResult without a value, for ``problem``."""
    return ParseResult(None, problem)


# --- cleaning -------------------------------------------------------------------------

# Bounded tag length keeps the scan linear and stops "a < b ... > c" prose eating a page.
# A tag name must end at a space, "/" or ">": "<maria@example.com>" is an address, not a tag.
_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]{0,20}(?:[\s/][^<>]{0,300})?>|<![^<>]{0,300}>")
_SCRIPT_RE = re.compile(r"<\s*(script|style)\b[^<>]{0,300}>.*?<\s*/\s*\1\s*>", re.I | re.S)
_HSPACE_RE = re.compile(r"[^\S\n]+")
_NEWLINES_RE = re.compile(r"\s*\n\s*")
_PUNCT_MAP = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00bd": ".5",
        "\u00a0": " ",
    }
)
# Control and format characters (zero-width joiners, bidi marks, emoji variation selectors)
# only confuse the regexes below.
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_VARIATION_SELECTORS = frozenset({"\ufe0e", "\ufe0f"})


def has_html(text: str) -> bool:
    """True when ``text`` contains something that looks like an HTML tag."""
    return bool(_TAG_RE.search(text[: MAX_CHARS * 2]))


def clean(text: object) -> str:
    """Return ``text`` capped, de-HTML'd, NFC-normalised, with tidy quotes and whitespace.

    Newlines are kept (one per break) because they separate clauses; other whitespace runs
    become one space. Non-str input gives "" so callers never raise.
    """
    if not isinstance(text, str):
        return ""
    s = text[: MAX_CHARS * 2]  # cap before any regex work
    if "<" in s:
        s = _SCRIPT_RE.sub(" ", s)
        s = _TAG_RE.sub(" ", s)
    if "&" in s:
        s = html.unescape(s)
    s = unicodedata.normalize("NFC", s).translate(_PUNCT_MAP)
    s = "".join(
        ch
        for ch in s
        if ch in "\n\t"
        or (unicodedata.category(ch) not in _DROP_CATEGORIES and ch not in _VARIATION_SELECTORS)
    )
    s = _HSPACE_RE.sub(" ", s)
    s = _NEWLINES_RE.sub("\n", s)
    return s.strip()[:MAX_CHARS]


def is_symbol(ch: str) -> bool:
    """True for emoji and other pictographic symbols (Unicode So/Sk)."""
    return unicodedata.category(ch) in ("So", "Sk")


def is_letter(ch: str) -> bool:
    """True for letters of any script, including combining marks (needed for Indic names)."""
    return unicodedata.category(ch)[0] in ("L", "M")


# --- masking things that contain digits but are not quantities ------------------------

_EMAIL_LIKE_RE = re.compile(r"\S{0,64}@\S{0,255}")
_URL_RE = re.compile(r"\b(?:https?://|www\.)\S{1,300}", re.I)
DATE_RE = re.compile(r"\b\d{1,4}([./-])\d{1,2}\1\d{1,4}\b")  # same separator twice: not "7.5/10"
_TIME_RE = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?", re.I)
_CLOCK_RE = re.compile(r"\b\d{1,2}\s*[ap]\.?m\b\.?", re.I)
_MONEY_RE = re.compile(
    r"[$€£¥]\s?\d[\d,.]{0,20}|\b\d[\d,.]{0,20}\s?(?:\$|€|£|dollars?|bucks|usd|eur)\b", re.I
)
# A run of digits and phone punctuation holding >= 7 digits (checked in mask_non_quantities).
_PHONE_RUN_RE = re.compile(r"\+?\(?\d[\d\s().-]{0,40}\d")


def _blank(s: str, start: int, end: int) -> str:
    return s[:start] + " " * (end - start) + s[end:]


def mask_non_quantities(s: str) -> str:
    """Blank out emails, URLs, dates, times, money and phone numbers, keeping offsets.

    Their digits must never be read as an age, a pain level or a duration.
    """
    for rx in (_EMAIL_LIKE_RE, _URL_RE, DATE_RE, _TIME_RE, _CLOCK_RE, _MONEY_RE):
        for m in list(rx.finditer(s)):
            s = _blank(s, m.start(), m.end())
    for m in list(_PHONE_RUN_RE.finditer(s)):
        if sum(ch.isdigit() for ch in m.group()) >= 7:
            s = _blank(s, m.start(), m.end())
    return s


# --- numbers --------------------------------------------------------------------------

_UNITS = UNITS
_TEENS = TEENS
_TENS = TENS
NUMBER_WORDS = frozenset({*_UNITS, *_TEENS, *_TENS, "hundred"})
# For building regexes elsewhere: longest first so "seventeen" wins over "seven".
NUMBER_WORD_PATTERN = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))

_WORD_RE = re.compile(r"[a-z]+")
_DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)?")


class Number(NamedTuple):
    """A number found in text: its span in the (lower-cased) string and its value."""

    start: int
    end: int
    value: float
    is_word: bool


def _digits_value(token: str) -> float:
    # "1,5" is a European decimal; "1,000" a thousands separator.
    if "," in token:
        whole, frac = token.split(",", 1)
        token = whole + frac if len(frac) == 3 else whole + "." + frac
    try:
        return float(token)  # float() never hits int's digit limit; huge -> inf
    except ValueError:  # pragma: no cover - the regex only lets digits through
        return math.nan


def word_numbers(low: str) -> list[Number]:
    """Find spelled-out numbers ("forty two", "forty-two", "one hundred and five") in ``low``.

    ``low`` must be lower case. Words are grouped only when separated by spaces/hyphens.
    """
    found: list[Number] = []
    start = end = join_end = -1
    total = 0
    last = ""  # kind of the last word in the group: unit / teen / tens / hundred
    pending_and = False

    def flush() -> None:
        nonlocal start, end, join_end, total, last, pending_and
        if start >= 0:
            found.append(Number(start, end, float(total), True))
        start = end = join_end = -1
        total = 0
        last = ""
        pending_and = False

    for m in _WORD_RE.finditer(low):
        w = m.group()
        joined = start >= 0 and low[join_end : m.start()].strip(" -") == ""
        if not joined:
            flush()
        if w == "and" and start >= 0 and last == "hundred" and not pending_and:
            pending_and = True  # "one hundred and five"; "and" itself is not part of the span
            join_end = m.end()
            continue
        if w in _UNITS:
            if start >= 0 and last in ("tens", "hundred"):
                total += _UNITS[w]
                last, end = "unit", m.end()
            else:
                flush()
                start, end, total, last = m.start(), m.end(), _UNITS[w], "unit"
        elif w in _TEENS:
            if start >= 0 and last == "hundred":
                total += _TEENS[w]
                last, end = "teen", m.end()
            else:
                flush()
                start, end, total, last = m.start(), m.end(), _TEENS[w], "teen"
        elif w in _TENS:
            if start >= 0 and last == "hundred":
                total += _TENS[w]
                last, end = "tens", m.end()
            else:
                flush()
                start, end, total, last = m.start(), m.end(), _TENS[w], "tens"
        elif w == "hundred":
            if start >= 0 and last == "unit" and total < 10 and not pending_and:
                total *= 100
                last, end = "hundred", m.end()
            else:
                flush()
                start, end, total, last = m.start(), m.end(), 100, "hundred"
        else:
            flush()
            continue
        join_end = end
        pending_and = False
    flush()
    return found


def find_numbers(low: str) -> list[Number]:
    """All numbers in ``low`` (digits and number words), in text order."""
    nums = [
        Number(m.start(), m.end(), _digits_value(m.group()), False)
        for m in _DIGITS_RE.finditer(low)
    ]
    nums.extend(word_numbers(low))
    nums.sort(key=lambda n: n.start)
    return nums


def parse_number_token(token: str) -> float | None:
    """Value of one number token: digits ("3", "1.5") or words ("forty two"); else None."""
    t = token.strip().lower()
    if _DIGITS_RE.fullmatch(t):
        return _digits_value(t)
    nums = word_numbers(t)
    if len(nums) == 1 and nums[0].start == 0 and nums[0].end == len(t):
        return nums[0].value
    return None


# --- gibberish ------------------------------------------------------------------------

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_POS = {ch: (row, idx) for row, keys in enumerate(_ROWS) for idx, ch in enumerate(keys)}
_VOWELS = frozenset("aeiouy")
_ASCII_WORD_RE = re.compile(r"[A-Za-z]+")
_REPEAT_RE = re.compile(r"(.)\1+")
_CONSONANT_RUN_RE = re.compile(r"[bcdfghjklmnpqrstvwxz]{7,}")
# Long single-letter runs that are sounds people really type ("aaaah", "hmmm", "zzzz").
_SOUND_LETTERS = frozenset("aeiouyhmwz")
_EMOTICON_CHARS = frozenset(":;=()<>^[]{}|\\/")


def _adjacent(a: str, b: str) -> bool:
    ra, ia = _KEY_POS[a]
    rb, ib = _KEY_POS[b]
    return ra == rb and abs(ia - ib) == 1


def _mashy(tok: str) -> bool:
    """Keyboard-mash test for one lower-case ASCII word of >= 4 letters."""
    distinct = set(tok)
    if len(distinct) == 1:
        return tok[0] not in _SOUND_LETTERS
    collapsed = _REPEAT_RE.sub(r"\1", tok)
    rows = {_KEY_POS[c][0] for c in distinct}
    if len(rows) == 1 and len(collapsed) >= 4:
        # A straight run along one row ("asdf", "lkjh", "qwerty"); no English word does this.
        idx = [_KEY_POS[c][1] for c in collapsed]
        steps = {b - a for a, b in itertools.pairwise(idx)}
        if steps in ({1}, {-1}):
            return True
    if len(collapsed) >= 6:
        pairs = list(itertools.pairwise(collapsed))
        if sum(_adjacent(a, b) for a, b in pairs) / len(pairs) >= 0.8:
            return True  # "sdfsdf", "jkjkjk"
    if len(rows) == 1 and len(distinct) >= 8:
        return True  # "qwpoeiruty": real one-row words use few distinct letters
    if rows == {1} and len(distinct) >= 6:
        return True  # the home row has only one vowel
    if len(tok) >= 5 and len(distinct) >= 4 and not distinct & _VOWELS:
        return True  # "zxcvbnm", "sdkfjh"
    return bool(_CONSONANT_RUN_RE.search(tok))


def looks_like_gibberish(text: str) -> bool:
    """True when ``text`` looks like keyboard mash or bare punctuation ("asdfghjkl", "???").

    Conservative: emoji-only text, numbers, non-Latin scripts and anything containing a
    plausible word return False; callers decide what to do with those.
    """
    s = clean(text)
    if not s:
        return False
    if not any(ch.isalnum() for ch in s):
        # "???" and "..." are noise; "👍" and ":)" are answers of a kind.
        return not any(is_symbol(ch) or ch in _EMOTICON_CHARS for ch in s)
    if any(is_letter(ch) and not ch.isascii() for ch in s):
        return False  # we cannot judge other alphabets
    tokens = [t.lower() for t in _ASCII_WORD_RE.findall(s)]
    if not tokens:
        return False  # digits only
    long_tokens = [t for t in tokens if len(t) >= 4]
    if not long_tokens or not all(_mashy(t) for t in long_tokens):
        return False
    letters = sum(len(t) for t in tokens)
    return sum(len(t) for t in long_tokens) >= 0.6 * letters
