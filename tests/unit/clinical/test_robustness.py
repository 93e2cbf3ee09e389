"""Bad input never crashes the engine and results stay plain JSON."""

from __future__ import annotations

import json

import pytest

from actions.clinical import (
    analyze,
    assess,
    classify_onset,
    describe_regions,
    extract_medications,
)

from .conftest import TODAY, flag_ids

WEIRD = [
    "",
    " ",
    "\n\n\t",
    "😭😭 my back 🔥🔥",
    "<script>alert('x')</script> my <b>chest pain</b> &amp; neck",
    "Me duele la espalda y tengo fiebre",
    "腰が痛いです",
    "ДДДДДД" * 500,
    "a" * 15_000,
    "no no no no not never none",
    "I have no pain. I have pain. No I don't. Yes I do.",
    "\x00\x01\x02 control chars \u200b zero width",
    "left right both left right",
    "'" * 100,
    "...!!!???",
    "https://example.com/?q=chest+pain",
]


@pytest.mark.parametrize("text", WEIRD)
def test_analyze_never_crashes_and_is_json(text: str) -> None:
    result = analyze(text, today=TODAY)
    assert set(result) == {
        "body_regions",
        "symptoms",
        "red_flags",
        "triage_level",
        "suggested_conditions",
    }
    json.dumps(result)


@pytest.mark.parametrize("text", WEIRD)
def test_helpers_never_crash(text: str) -> None:
    assert classify_onset(text) in {
        "sports",
        "accident",
        "surgery",
        "repetitive_strain",
        "posture",
        "stress",
        "gradual_unknown",
        "other",
    }
    assert isinstance(extract_medications(text), list)


@pytest.mark.parametrize("text", WEIRD)
def test_assess_never_crashes_and_is_json(text: str) -> None:
    answers = {
        "chief_complaint": text,
        "pain_level": text,
        "pain_duration": text,
        "onset_cause": text,
        "diagnosis": text,
        "physician_referral": text,
        "medical_history": text,
        "medications": text,
        "age": text,
        "goals": text,
    }
    json.dumps(assess(answers, today=TODAY))


def test_html_is_stripped_but_the_words_count() -> None:
    assert "chest_pain" in flag_ids("<p>my <b>chest</b> <i>hurts</i></p>")
    assert "anticoagulants" in flag_ids("I take warfarin&nbsp;daily")


def test_curly_apostrophes_and_emoji() -> None:
    assert "shortness_of_breath" in flag_ids("I can’t catch my breath 😰")


def test_huge_message_still_scans_the_tail() -> None:
    text = "x " * 60_000 + " I'm on eliquis"
    assert "anticoagulants" in flag_ids(text)


def test_huge_message_is_fast_enough() -> None:
    import time

    text = "my lower back is sore and stiff. " * 3000
    start = time.perf_counter()
    analyze(text, today=TODAY)
    assert time.perf_counter() - start < 5.0


def test_contradiction_keeps_the_safer_reading() -> None:
    ids = flag_ids("No surgery. Had surgery last week though. Not pregnant, but I am pregnant.")
    assert {"recent_surgery", "pregnancy"} <= ids


def test_odd_answer_values_are_tolerated() -> None:
    answers = {"chief_complaint": None, "pain_level": 7, "medications": ["warfarin", "advil"]}
    result = assess(answers, today=TODAY)  # type: ignore[arg-type]
    assert result["complaint"]["pain_level"] == 7
    assert "anticoagulants" in {f["id"] for f in result["triage"]["red_flags"]}
    assert assess({}, today=TODAY)["triage"]["level"] == "routine"


@pytest.mark.parametrize(
    "regions",
    [[], [{}], [{"region": None}], [{"region": "made_up", "side": "up"}], "not a list"],
)
def test_describe_regions_tolerates_bad_input(regions: object) -> None:
    assert isinstance(describe_regions(regions), str)  # type: ignore[arg-type]


def test_chunks_overlap_so_no_phrase_is_cut() -> None:
    from actions.clinical.text import chunks

    text = "word " * 10_000 + "chest pain " + "word " * 10_000
    pieces = chunks(text, size=20_000)
    assert any("chest pain" in piece for _, piece in pieces)
    assert pieces[0][0] == 0
    for offset, piece in pieces:
        assert text[offset : offset + len(piece)] == piece
