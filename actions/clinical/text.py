"""Plain-text helpers: clean raw input, and fold words to one normal form.

The same :class:`Normaliser` runs over the patient's words and over every catalogue
phrase, so "knees", "aching", "carpel" and "the" meet "knee", "ache", "carpal" and "my".
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

#: One spaCy doc covers at most this many characters (all findings come from it).
DOC_CHARS: Final = 20_000
#: Red flags are also scanned past DOC_CHARS, in further chunks, up to this length.
SCAN_CHARS: Final = 200_000

_TAG = re.compile(r"<[^<>]{0,300}>")
# Control characters, zero-width and bidirectional marks (an RTL override reverses text).
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
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


#: A message written a few words per line ("dont want / to be here / anymore") reads
#: as one sentence: its line breaks are not sentence ends.
_FRAGMENT_WORDS: Final = 4


def join_fragment_lines(text: str) -> str:
    """``text`` with its line breaks made spaces when most lines are a few words long.

    Same length, so every character offset (and every evidence quote) is unchanged.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 3:
        return text
    short = sum(1 for line in lines if len(line.split()) <= _FRAGMENT_WORDS)
    if short * 2 <= len(lines):
        return text
    return text.replace("\r\n", "  ").replace("\n", " ").replace("\r", " ")


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


def allowed_edits(word: str) -> int:
    """How many typing slips a word of this length may carry and still be recognised.

    Short words are left alone ("pain" one edit from "paid", "rain"); from six letters
    one slip is forgiven ("breathign", "numbess"), from nine letters two ("palpatations").
    """
    if len(word) < 6:
        return 0
    return 1 if len(word) < 9 else 2


def _regular_inflection(word: str, lemma: str) -> bool:
    """True when ``word`` is ``lemma`` plus a regular ending ("mornings", "tingled")."""
    base = lemma[:-1] if len(lemma) > 3 else lemma
    return word.startswith(base) and len(word) - len(lemma) <= 3


class Normaliser:
    """Folds one lower-case word to its normal form (spelling, lemma, determiner, inflection).

    Typo tolerance uses rapidfuzz's Damerau-Levenshtein distance against the clinical
    words; irregular forms ("felt", "fell", "swollen", "crept") fold to spaCy's English
    lemma lookup table (``spacy-lookups-data``, read from disk, never downloaded).
    """

    def __init__(
        self,
        *,
        misspellings: Mapping[str, str],
        determiners: Iterable[str],
        fuzzy_terms: Iterable[str],
        known_words: Iterable[str],
        stem_exceptions: Mapping[str, str],
        stem_protected: Iterable[str],
        lemma_of: Callable[[str], str | None] | None = None,
        lemma_protected: Iterable[str] = (),
        dictionary: Collection[str] = frozenset(),
    ) -> None:
        self._misspellings = dict(misspellings)
        self._determiners = frozenset(determiners)
        self._exceptions = dict(stem_exceptions)
        self._protected = frozenset(stem_protected)
        self._known = frozenset(known_words) | frozenset(self._misspellings)
        self._fuzzy = sorted(set(fuzzy_terms))
        self._lemma_of = lemma_of
        self._lemma_protected = frozenset(lemma_protected)
        self._dictionary = dictionary
        self._cache: dict[str, str] = {}

    def correct(self, word: str) -> str:
        """``word`` with a known misspelling or a typing slip of a clinical word fixed."""
        if word in self._misspellings:
            return self._misspellings[word]
        edits = allowed_edits(word)
        if not edits or word in self._known or not word.isalpha():
            return word
        found = process.extract(
            word,
            self._fuzzy,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=edits,
            limit=None,
        )
        # Fewest edits first; ties in alphabetical order, so the result never varies.
        matches = sorted((distance, term) for term, distance, _ in found)
        return matches[0][1] if matches else word

    def is_english(self, word: str) -> bool:
        """True when ``word`` is in the English dictionary, as a base or an inflected form."""
        return word in self._dictionary or (
            self._lemma_of is not None and self._lemma_of(word) is not None
        )

    def lemma(self, word: str) -> str:
        """The dictionary form of an irregular word ("felt" -> "feel"), else ``word``.

        Words whose lemma would merge two meanings the screen keeps apart ("worst" and
        "wrong", "left" and "leave", "wound" and "wind") are listed in the lexicon.
        """
        if self._lemma_of is None or word in self._lemma_protected:
            return word
        lemma = self._lemma_of(word)
        if not lemma or _regular_inflection(word, lemma):
            return word  # the stemmer folds regular forms ("mornings", "tingling") itself
        return lemma

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
        if word in self._misspellings:
            fixed = self._misspellings[word]
        elif self.is_english(word):
            fixed = word  # "ladder" is not a slip of "bladder", nor "puffier" of "puffer"
        else:
            fixed = self.correct(word)
        fixed = self.lemma(fixed)
        result = "my" if fixed in self._determiners else self.stem(fixed)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = result
        return result
