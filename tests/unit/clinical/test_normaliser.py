"""The word normaliser: spaCy's lemma table, the English dictionary and rapidfuzz."""

from __future__ import annotations

import pytest

from actions.clinical.nlp import engine, english_words
from actions.clinical.text import allowed_edits


def norm(word: str) -> str:
    return engine().normaliser.norm(word)


@pytest.mark.parametrize(
    ("word", "same_as"),
    [
        ("felt", "feel"),
        ("fell", "fall"),
        ("swollen", "swell"),
        ("crept", "creep"),
        ("teeth", "tooth"),
    ],
)
def test_irregular_forms_fold_to_their_lemma(word: str, same_as: str) -> None:
    assert norm(word) == norm(same_as)


@pytest.mark.parametrize(
    ("word", "not_same_as"),
    [("worst", "wrong"), ("left", "leave"), ("wound", "wind"), ("had", "having"), ("kms", "km")],
)
def test_protected_words_keep_their_meaning(word: str, not_same_as: str) -> None:
    assert norm(word) != norm(not_same_as)


@pytest.mark.parametrize(
    ("typo", "word"),
    [("breathign", "breathing"), ("numbess", "numbness"), ("palpatations", "palpitations")],
)
def test_slips_of_clinical_words_are_forgiven(typo: str, word: str) -> None:
    assert norm(typo) == norm(word)


@pytest.mark.parametrize(("word", "not_word"), [("ladder", "bladder"), ("puffier", "puffer")])
def test_a_real_english_word_is_never_corrected(word: str, not_word: str) -> None:
    assert norm(word) != norm(not_word)


def test_short_words_are_never_corrected_and_long_ones_may_carry_two_slips() -> None:
    assert allowed_edits("pain") == 0
    assert allowed_edits("breath") == 1
    assert allowed_edits("palpitations") == 2


def test_the_dictionary_comes_from_spacy_lookups_data() -> None:
    words = english_words()
    assert len(words) > 50_000
    assert {"ladder", "bladder", "chest"} <= words


def test_fragment_lines_join_without_moving_any_offset() -> None:
    from actions.clinical.text import join_fragment_lines

    text = "lower back\nboth legs weak\ncant feel the bit you sit on"
    joined = join_fragment_lines(text)
    assert "\n" not in joined and len(joined) == len(text)
    prose = "My back hurts after work every day.\nIt started in March when I moved house.\nOk"
    assert join_fragment_lines(prose) == prose
