"""Plain-text helpers: clean raw input, and fold words to one normal form.

The same :class:`Normaliser` runs over the patient's words and over every catalogue
phrase, so "knees", "aching", "carpel" and "the" meet "knee", "ache", "carpal" and "my".
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Final

#: One spaCy doc covers at most this many characters (all findings come from it).
DOC_CHARS: Final = 20_000
#: Red flags are also scanned past DOC_CHARS, in further chunks, up to this length.
SCAN_CHARS: Final = 200_000

_TAG = re.compile(r"<[^<>]{0,300}>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
# A lone UTF-16 surrogate cannot be encoded (spaCy's tokenizer raises): replace it.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_JOINER = re.compile(r"(?<=[^\W\d_])[-/_](?=[^\W\d_])")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})
_CACHE_LIMIT: Final = 50_000


def clean(text: object) -> str:
    """Text safe to analyse: entities decoded, tags dropped, apostrophes and dashes unified.

    Accepts anything (``None`` gives ``""``); never raises.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if len(text) > SCAN_CHARS * 2:
        text = text[: SCAN_CHARS * 2]
    text = _SURROGATE.sub("\ufffd", text)
    text = html.unescape(text)
    text = _TAG.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_APOSTROPHES)
    text = _CONTROL.sub(" ", text)
    # "blood-thinners", "numbness/tingling" -> separate words (same length).
    return _JOINER.sub(" ", text)


def lower_same_length(text: str) -> str:
    """Lower-case ``text`` without changing any character offset."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def chunks(
    text: str, *, size: int = DOC_CHARS, limit: int = SCAN_CHARS, overlap: int = 300
) -> list[tuple[int, str]]:
    """``text[:limit]`` cut at whitespace into pieces of at most ``size`` chars that overlap
    by about ``overlap`` chars (so no phrase is lost at a cut): ``(offset, piece)``."""
    text = text[:limit]
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind(" ", start + size // 2, end)
            end = cut if cut > start else end
        pieces.append((start, text[start:end]))
        if end >= len(text):
            break
        back = text.find(" ", max(end - overlap, start + 1), end)
        start = back + 1 if back > start else end
    return pieces


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (one insert, delete, substitute or swap)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


class Normaliser:
    """Folds one lower-case word to its normal form (spelling, determiner, inflection)."""

    def __init__(
        self,
        *,
        misspellings: Mapping[str, str],
        determiners: Iterable[str],
        fuzzy_terms: Iterable[str],
        known_words: Iterable[str],
        stem_exceptions: Mapping[str, str],
        stem_protected: Iterable[str],
    ) -> None:
        self._misspellings = dict(misspellings)
        self._determiners = frozenset(determiners)
        self._exceptions = dict(stem_exceptions)
        self._protected = frozenset(stem_protected)
        self._known = frozenset(known_words) | frozenset(self._misspellings)
        self._fuzzy: dict[str, list[str]] = {}
        for term in fuzzy_terms:
            for key in {term, *_deletes(term)}:
                self._fuzzy.setdefault(key, []).append(term)
        self._cache: dict[str, str] = {}

    def correct(self, word: str) -> str:
        """``word`` with a known misspelling or a one-edit slip of a clinical word fixed."""
        if word in self._misspellings:
            return self._misspellings[word]
        if len(word) < 6 or word in self._known or not word.isalpha():
            return word
        candidates: set[str] = set()
        for key in {word, *_deletes(word)}:
            candidates.update(self._fuzzy.get(key, ()))
        matches = sorted(term for term in candidates if _within_one_edit(word, term))
        return matches[0] if matches else word

    def stem(self, word: str) -> str:
        """A crude, consistent stem: "aches", "aching", "ached" -> "ach"."""
        if word in self._exceptions:
            word = self._exceptions[word]
        if len(word) <= 3 or word in self._protected or not word.isalpha():
            return word
        if (word.endswith("ies") and len(word) > 4) or (word.endswith("ied") and len(word) > 4):
            word = word[:-3] + "y"
        elif word.endswith("ing") and len(word) - 3 >= 3:
            word = word[:-3]
        elif word.endswith("ed") and len(word) - 2 >= 3:
            word = word[:-2]
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        if len(word) > 3 and word.endswith("e"):
            word = word[:-1]
        if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
            word = word[:-1]
        return word

    def norm(self, word: str) -> str:
        """The normal form of one lower-case token (cached)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        fixed = self.correct(word)
        result = "my" if fixed in self._determiners else self.stem(fixed)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = result
        return result
