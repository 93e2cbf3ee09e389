"""Unit tests for the pure intake answer parsers (``actions.intake.parsing``)."""

from __future__ import annotations

import dataclasses
import datetime
import time
from collections.abc import Callable
from typing import Any, cast

import pytest

from actions.intake.parsing import (
    GOALS,
    Duration,
    Insurance,
    ParseResult,
    chronicity_for,
    find_volunteered,
    looks_like_gibberish,
    parse_age,
    parse_contact,
    parse_duration,
    parse_goals,
    parse_insurance,
    parse_name,
    parse_pain_level,
    parse_pressure,
    parse_yes_no,
)

TODAY = datetime.date(2024, 6, 15)  # a Saturday

HUGE = "my back hurts " * 800  # 11,200 characters
NASTY = [
    "",
    " ",
    "\n\t  \n",
    "<script>alert(1)</script>",
    "<b>bold</b> &amp; &lt;tag&gt;",
    "👍",
    "🙂🙂🙂",
    "???",
    "...",
    "asdfghjkl",
    "\x00\x01\x02",
    "\u200d\ufe0f",
    "İstanbul İİİ",
    "دوار في الرأس",
    "背中が痛い",
    "-" * 10_000,
    "1" * 10_000,
    "1." * 5_000,
    "a@" * 5_000,
    "(" * 10_000,
    "since " * 2_000,
    "I'm Maria, " * 1_000,
    "forty two " * 1_000,
    "🙂" * 10_000,
    HUGE,
]
ALL_PARSERS: list[Callable[[str], object]] = [
    parse_yes_no,
    parse_name,
    parse_age,
    parse_contact,
    parse_pain_level,
    lambda t: parse_duration(t, today=TODAY),
    parse_goals,
    parse_pressure,
    parse_insurance,
    looks_like_gibberish,
    find_volunteered,
]


# --- robustness -----------------------------------------------------------------------


@pytest.mark.parametrize("text", NASTY, ids=lambda t: repr(t[:20]))
@pytest.mark.parametrize("parser", ALL_PARSERS)
def test_never_raises_and_stays_fast(parser: Callable[[str], object], text: str) -> None:
    started = time.perf_counter()
    result = parser(text)
    assert time.perf_counter() - started < 1.0
    assert result is None or isinstance(result, bool | list | dict | str | ParseResult)


@pytest.mark.parametrize("parser", ALL_PARSERS)
def test_non_str_input_is_treated_as_empty(parser: Callable[[str], object]) -> None:
    result = parser(cast(str, None))
    assert result in (None, False, [], {}) or (
        isinstance(result, ParseResult) and result.value is None
    )


@pytest.mark.parametrize(
    "parser",
    [parse_name, parse_age, parse_contact, parse_pain_level, parse_insurance],
)
@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_blank_input_reports_empty(parser: Callable[[str], ParseResult[Any]], text: str) -> None:
    assert parser(text) == ParseResult(None, "empty")


def test_blank_duration_reports_empty() -> None:
    assert parse_duration("  ", today=TODAY) == ParseResult(None, "empty")


def test_parse_result_ok_and_frozen() -> None:
    assert ParseResult(0).ok  # a pain level of 0 is a value
    assert not ParseResult(None, "empty").ok
    with pytest.raises(dataclasses.FrozenInstanceError):
        ParseResult(1).value = 2  # type: ignore[misc]


def test_only_the_start_of_huge_input_is_read() -> None:
    # The rating sits beyond the 2,000 characters the parsers look at.
    assert parse_pain_level("x " * 5_000 + "7/10") == ParseResult(None, "not_understood")
    assert parse_pain_level("7/10 " + "x " * 5_000) == ParseResult(7)


# --- yes / no -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "Yes",
        "YES!",
        "yep",
        "yeah",
        "yesss",
        "sure",
        "ok",
        "okay",
        "OK 👍",
        "I agree",
        "i agree to that",
        "of course",
        "y",
        "👍",
        "✅",
        "yes please",
        "yes, I do",
        "absolutely",
        "sounds good",
        "go ahead",
        "no problem",
        "why not",
        "right",
        "sí",
        "go on then",
        "fire away",
    ],
)
def test_yes(text: str) -> None:
    assert parse_yes_no(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "No.",
        "NO",
        "nope",
        "nah",
        "n",
        "I don't agree",
        "i dont agree",
        "no thanks",
        "no I don't agree",
        "yes... actually no",
        "of course not",
        "not really",
        "👎",
        "❌",
        "I do not consent",
        "no, I don't have one",
        "decline",
    ],
)
def test_no(text: str) -> None:
    assert parse_yes_no(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "not sure",
        "maybe",
        "I don't know",
        "idk",
        "dunno",
        "perhaps",
        "what is this for",
        "my right knee",
        "asdfghjkl",
        "🙂",
        "<script>alert(1)</script>",
        "dolor de espalda",
    ],
)
def test_yes_no_unclear(text: str) -> None:
    assert parse_yes_no(text) is None


# --- name -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Maria", "Maria"),
        ("maria", "Maria"),
        ("i'm maria lopez", "Maria Lopez"),
        ("I’m maria lopez", "Maria Lopez"),  # curly apostrophe from a phone keyboard
        ("my name is John O'Neil", "John O'Neil"),
        ("it's Anne-Marie", "Anne-Marie"),
        ("call me Sam", "Sam"),
        ("José Núñez", "José Núñez"),
        ("Zoë", "Zoë"),
        ("zoë", "Zoë"),
        ("Hi, I'm Maria!", "Maria"),
        ("Maria here", "Maria"),
        ("Maria, thanks", "Maria"),
        ("Maria 😊", "Maria"),
        ("maria de la cruz", "Maria de la Cruz"),
        ("MARIA LOPEZ", "MARIA LOPEZ"),  # not all lower case: kept as typed
        ("McDonald", "McDonald"),
        ("  Maria   Lopez  ", "Maria Lopez"),
        ("Will Smith", "Will Smith"),
        ("He Wei", "He Wei"),
        ("李明", "李明"),
        ("Мария Иванова", "Мария Иванова"),
        ("प्रिया शर्मा", "प्रिया शर्मा"),
        ("J. R. Tolkien", "J. R. Tolkien"),
        ("name: Ana", "Ana"),
        ("me llamo Lucía", "Lucía"),
    ],
)
def test_parse_name(text: str, expected: str) -> None:
    assert parse_name(text) == ParseResult(expected)


@pytest.mark.parametrize(
    "text",
    [
        "12345",
        "Maria 42",
        "maria@example.com",
        "555-123-4567",
        "Anna Maria Luisa Carla Sofia Bianchi",  # six words
        "<b>Maria</b>",
        "<script>alert(1)</script>",
        "asdfghjkl",
        "qwpoeiruty",
        "jjjjjjj",
        "???",
        "I'm in pain",
        "i'm not telling",
        "why do you need this",
        "my back hurts",
        "no",
        "I'd rather not say",
        "http://example.com",
        "👍",
        "Maria and my back hurts",
        HUGE,
    ],
)
def test_parse_name_rejects(text: str) -> None:
    assert parse_name(text) == ParseResult(None, "not_a_name")


# --- age ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("I'm 42", 42),
        ("im 42", 42),
        ("42 years old", 42),
        ("42 y/o", 42),
        ("forty two", 42),
        ("forty-two", 42),
        ("Forty Two", 42),
        ("fourty two", 42),  # common misspelling
        ("age 7", 7),
        ("i am 67 yrs", 67),
        ("1", 1),
        ("120", 120),
        ("42.5", 42),
        ("about 60", 60),
        ("one hundred and five", 105),
        ("18 months old", 1),
        ("I'm 42 and my son is 7", 42),
        ("<b>42</b>", 42),
        ("42 🙂", 42),
    ],
)
def test_parse_age(text: str, expected: int) -> None:
    assert parse_age(text) == ParseResult(expected)


@pytest.mark.parametrize(
    "text",
    ["0", "150", "121", "-3", "minus 3", "1984", "born in 1984", "6 months", "1000"],
)
def test_parse_age_out_of_range(text: str) -> None:
    assert parse_age(text) == ParseResult(None, "out_of_range")


@pytest.mark.parametrize(
    "text",
    [
        "old enough",
        "why?",
        "42 or 43",
        "born 12/03/1984",  # a date, not an age
        "555-123-4567",
        "<script>alert(1)</script>",
        "asdf",
    ],
)
def test_parse_age_not_understood(text: str) -> None:
    assert parse_age(text) == ParseResult(None, "not_understood")


# --- contact --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Maria.L@Example.com", "maria.l@example.com"),
        ("  maria.l@example.com  ", "maria.l@example.com"),
        ("my email is John@X.org.", "john@x.org"),
        ("<maria@example.co.uk>", "maria@example.co.uk"),
        ("mailto:maria@example.com", "maria@example.com"),
        ("maria at gmail dot com", "maria@gmail.com"),
        ("(555) 123-4567", "+15551234567"),
        ("555.123.4567", "+15551234567"),
        ("5551234567", "+15551234567"),
        ("1-800-555-1234", "+18005551234"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
        ("call me on 555 1234", "5551234"),
        ("my cell is (555) 123-4567 thanks", "+15551234567"),
        # both given: the email wins
        ("555-123-4567 or maria@example.com", "maria@example.com"),
        ("email john@x.org, phone 555 123 4567", "john@x.org"),
    ],
)
def test_parse_contact(text: str, expected: str) -> None:
    assert parse_contact(text) == ParseResult(expected)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("maria@", "bad_email"),
        ("maria at gmail", "bad_email"),
        ("maria@@example.com", "bad_email"),
        ("maria@example", "bad_email"),
        ("555-12", "bad_phone"),
        ("42", "bad_phone"),
        ("+1 234 567 890 123 456 789", "bad_phone"),
        ("hello", "not_understood"),
        ("I'll be at work. Call me later", "not_understood"),
        ("<script>alert(1)</script>", "not_understood"),
    ],
)
def test_parse_contact_problems(text: str, problem: str) -> None:
    assert parse_contact(text) == ParseResult(None, problem)


# --- pain level -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        ("0", 0),
        ("10", 10),
        ("7/10", 7),
        ("7 / 10", 7),
        ("7 out of 10", 7),
        ("about a 6", 6),
        ("seven", 7),
        ("Seven!", 7),
        ("six or seven", 7),
        ("6-7", 7),
        ("6 to 7", 7),
        ("6.5", 7),  # halves round up
        ("7.5/10", 8),
        ("3 out of 5", 6),
        ("70%", 7),
        ("mild", 3),
        ("moderate", 5),
        ("Severe", 8),
        ("none", 0),
        ("no pain", 0),
        ("unbearable", 10),
        ("worst", 10),
        ("the worst pain ever", 10),
        ("excruciating", 10),
        ("bad", 6),
        ("pretty bad", 7),
        ("not bad", 3),
        ("a little", 2),
        ("mild to moderate", 5),
        ("it's a 7 in my lower back", 7),
        ("8 today, been like that for 3 weeks", 8),
        ("<b>7</b>", 7),
        ("7 😣", 7),
    ],
)
def test_parse_pain_level(text: str, expected: int) -> None:
    assert parse_pain_level(text) == ParseResult(expected)


@pytest.mark.parametrize("text", ["11", "15", "100", "-1", "12/10"])
def test_parse_pain_level_out_of_range(text: str) -> None:
    assert parse_pain_level(text) == ParseResult(None, "out_of_range")


@pytest.mark.parametrize("text", ["hello", "3 weeks", "it hurts", "asdf", "<script>x</script>"])
def test_parse_pain_level_not_understood(text: str) -> None:
    assert parse_pain_level(text) == ParseResult(None, "not_understood")


# --- duration -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, "acute"),
        (41, "acute"),
        (42, "subacute"),
        (83, "subacute"),
        (84, "chronic"),
        (10_000, "chronic"),
    ],
)
def test_chronicity_for(days: int, expected: str) -> None:
    assert chronicity_for(days) == expected


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("3 weeks", 21),
        ("for 3 wks", 21),
        ("3weeks", 21),
        ("THREE WEEKS", 21),
        ("3 weks", 21),  # typo
        ("2 days", 2),
        ("since yesterday", 1),
        ("since last week", 7),
        ("a few days", 3),
        ("a couple of weeks", 14),
        ("a couple of years", 730),
        ("several months", 90),
        ("years", 730),
        ("for years", 730),
        ("6 months", 180),
        ("six weeks", 42),
        ("1.5 years", 548),
        ("a year and a half", 548),
        ("2 and a half years", 913),
        ("half a year", 183),
        ("2 years and 3 months", 820),
        ("2-3 weeks", 21),
        ("3 weeks ago", 21),
        ("about a month", 30),
        ("over a year", 365),
        ("48 hours", 2),
        ("today", 0),
        ("this morning", 0),
        ("since this morning", 0),
        ("on and off for 10 years", 3650),
        ("since March", 106),  # 1 March 2024
        ("since the accident in June", 14),
        ("since July", 350),  # after today this year: 1 July 2023
        ("since early March", 106),
        ("since mid March", 92),
        ("since December 3rd", 195),
        ("since March 2021", 1202),
        ("since 2019", 1992),  # 1 January 2019
        ("since Christmas", 173),
        ("since Monday", 5),
        ("since I was a kid", 730),
        ("since 3/15/2024", 92),
        ("since 2024-05-15", 31),
        ("3 semanas", 21),
        ("<b>3 weeks</b>", 21),
        ("3 weeks 😩", 21),
        ("for 3 weeks, twice a day", 21),
        ("3w", 21),
        ("2y", 730),
    ],
)
def test_parse_duration(text: str, days: int) -> None:
    result = parse_duration(text, today=TODAY)
    assert result.value is not None, result
    assert result.value.days == days
    assert result.value.chronicity == chronicity_for(days)


def test_parse_duration_keeps_the_phrase() -> None:
    result = parse_duration("  for 3 wks  ", today=TODAY)
    assert result == ParseResult(Duration(text="for 3 wks", days=21, chronicity="acute"))


def test_parse_duration_caps_the_phrase() -> None:
    result = parse_duration("3 weeks " + "and it hurts " * 100, today=TODAY)
    assert result.value is not None
    assert len(result.value.text) <= 200
    assert result.value.days == 21


@pytest.mark.parametrize(
    ("text", "chronicity"),
    [
        ("3 weeks", "acute"),
        ("6 weeks", "subacute"),
        ("2 months", "subacute"),
        ("3 months", "chronic"),
        ("years", "chronic"),
        ("today", "acute"),
    ],
)
def test_parse_duration_chronicity(text: str, chronicity: str) -> None:
    result = parse_duration(text, today=TODAY)
    assert result.value is not None
    assert result.value.chronicity == chronicity


def test_since_a_month_uses_last_year_when_it_is_still_ahead() -> None:
    result = parse_duration("since March", today=datetime.date(2024, 2, 10))
    assert result.value is not None
    assert result.value.days == (datetime.date(2024, 2, 10) - datetime.date(2023, 3, 1)).days


@pytest.mark.parametrize(
    "text",
    [
        "banana",
        "3",
        "a while",
        "tomorrow",
        "next week",
        "in 3 weeks",
        "since 2030",
        "since June 2025",
        "-3 weeks",
        "500 years",
        "since I was 20",
        "asdfghjkl",
        "<script>alert(1)</script>",
        "it may hurt",  # "may" is not the month here
        "it hurts twice a day",  # a frequency, not a duration
        "3 times a week",
    ],
)
def test_parse_duration_not_understood(text: str) -> None:
    assert parse_duration(text, today=TODAY) == ParseResult(None, "not_understood")


# --- goals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("less pain", ["pain_relief"]),
        ("relief", ["pain_relief"]),
        ("move better", ["range_of_motion"]),
        ("more flexibility", ["range_of_motion"]),
        ("to turn my head again", ["range_of_motion"]),
        ("relax", ["stress_reduction"]),
        ("stress", ["stress_reduction"]),
        ("sleep better", ["stress_reduction"]),
        ("recover from my injury", ["injury_recovery"]),
        ("heal", ["injury_recovery"]),
        ("get back to running", ["injury_recovery"]),
        ("circulation", ["circulation"]),
        ("the swelling", ["circulation"]),
        ("cold feet", ["circulation"]),
        ("other", ["other"]),
        ("just because", ["other"]),
        ("🙂", ["other"]),
        ("asdfghjkl", ["other"]),
        ("RELAX and less PAIN", ["pain_relief", "stress_reduction"]),
        # always in contract order, however they were typed
        (
            "swelling, stress, to move better and less pain after my injury",
            [
                "pain_relief",
                "range_of_motion",
                "stress_reduction",
                "injury_recovery",
                "circulation",
            ],
        ),
        ("", []),
        ("   ", []),
    ],
)
def test_parse_goals(text: str, expected: list[str]) -> None:
    assert parse_goals(text) == expected


def test_goals_are_contract_ids() -> None:
    assert GOALS == (
        "pain_relief",
        "range_of_motion",
        "stress_reduction",
        "injury_recovery",
        "circulation",
        "other",
    )
    assert set(parse_goals(HUGE)) <= set(GOALS)


# --- pressure -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("light", "light"),
        ("gentle", "light"),
        ("Gentle please", "light"),
        ("not too hard", "light"),
        ("medium", "medium"),
        ("somewhere in the middle", "medium"),
        ("firm", "firm"),
        ("deep", "firm"),
        ("hard", "firm"),
        ("strong", "firm"),
        ("deep tissue", "firm"),
        ("medium to firm", "medium"),  # the lighter one: the therapist can go deeper
        ("I don't mind firm", "firm"),
        ("not sure", "no_preference"),
        ("whatever you think", "no_preference"),
        ("don't mind", "no_preference"),
        ("no preference", "no_preference"),
        ("up to you", "no_preference"),
    ],
)
def test_parse_pressure(text: str, expected: str) -> None:
    assert parse_pressure(text) == expected


@pytest.mark.parametrize("text", ["", "banana", "hard to say", "<script>alert(1)</script>"])
def test_parse_pressure_unknown(text: str) -> None:
    assert parse_pressure(text) is None


# --- insurance ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "provider", "self_pay"),
    [
        ("Blue Cross", "Blue Cross", False),
        ("blue cross", "Blue Cross", False),
        ("BCBS", "Blue Cross Blue Shield", False),
        ("Aetna through work", "Aetna", False),
        ("I have Cigna", "Cigna", False),
        ("Sun Life 12345678", "Sun Life", False),
        ("acme health through my husband", "Acme Health", False),
        ("Acme Mutual", "Acme Mutual", False),
        ("no insurance", None, True),
        ("self pay", None, True),
        ("self-pay", None, True),
        ("I'll pay myself", None, True),
        ("cash", None, True),
        ("none", None, True),
        ("no", None, True),
        ("I don't have any insurance", None, True),
        ("no, I have Aetna", "Aetna", False),
        ("I have Cigna but will pay cash", "Cigna", True),
    ],
)
def test_parse_insurance(text: str, provider: str | None, self_pay: bool) -> None:
    assert parse_insurance(text) == ParseResult(Insurance(provider=provider, self_pay=self_pay))


def test_parse_insurance_caps_provider_length() -> None:
    result = parse_insurance("Acme " + "Mutual " * 40)
    assert result.value is not None
    assert result.value.provider is not None
    assert len(result.value.provider) <= 80
    assert result.value.provider.startswith("Acme Mutual")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("yes", "not_understood"),
        ("private", "not_understood"),
        ("asdfghjkl", "not_understood"),
        ("<script>alert(1)</script>", "not_understood"),
        ("12345", "not_understood"),
    ],
)
def test_parse_insurance_problems(text: str, problem: str) -> None:
    assert parse_insurance(text) == ParseResult(None, problem)


# --- gibberish ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["asdfghjkl", "qwpoeiruty", "jjjjjjj", "???", "...", "!!!", "asdf", "zxcvbnm", "sdfsdf jkjkjk"],
)
def test_gibberish(text: str) -> None:
    assert looks_like_gibberish(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "",
        "👍",
        "😭😭",
        ":)",
        "dolor de espalda",
        "my back hurts",
        "no",
        "ok",
        "hmmm",
        "aaaah",
        "42",
        "Krzysztof",
        "Nguyen",
        "typewriter",
        "were",
        "背中が痛い",
        "Привет",
        "john@x.org",
        "hello asdfghjkl",
    ],
)
def test_not_gibberish(text: str) -> None:
    assert looks_like_gibberish(text) is False


# --- volunteered answers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I'm Maria, 42, and my lower back has hurt for 3 weeks, about a 7",
            {
                "patient_name": "Maria",
                "age": "42",
                "pain_duration": "3 weeks",
                "pain_level": "about a 7",
            },
        ),
        (
            "my name is John Smith and I'm 35 years old, email john@x.org",
            {"patient_name": "John Smith", "age": "35 years old", "contact": "john@x.org"},
        ),
        (
            "neck pain since March, it's like 8/10",
            {"pain_duration": "since March", "pain_level": "8/10"},
        ),
        ("I'm in pain", {}),
        ("I'm 5 weeks pregnant", {}),
        ("I've had 2 surgeries", {}),
        ("I'm fine", {}),
        ("hurts at night", {}),
        ("", {}),
        ("I'm Maria", {"patient_name": "Maria"}),
        ("I'm 42", {"age": "42"}),
        ("I'm Exhausted and sore", {}),
        ("I'm Spanish and my back hurts", {}),
        ("I'm Maria's mom", {}),
        ("Call me Tomorrow", {}),
        ("my name is Dr. Ana Ruiz", {"patient_name": "Ana Ruiz"}),
        ("My name is not important", {}),
        ("my husband is 45 years old", {}),
        ("I was 20 years old when I hurt my back", {}),
        ("I feel like a 90 year old", {}),
        ("my son (age 7) has back pain", {}),
        ("I'm a 42 year old woman with neck pain", {"age": "42 year old"}),
        ("I'm 42 years old and 5 weeks pregnant", {"age": "42 years old"}),
        ("I've been pregnant for 5 weeks and my back hurts", {}),
        ("my back hurts when I run for 30 minutes", {}),
        ("my back hurts after sitting for 8 hours", {}),
        ("I've been doing yoga for 3 years and my back hurts", {}),
        ("I'm 6 foot tall", {}),
        ("I'm 100% sure", {}),
        ("born 12/03/1984, pain about a 6", {"pain_level": "about a 6"}),
        ("my phone broke on 12.03.2023", {}),
        ("my member id is 12345678901", {}),
        ("It's a 10 minute drive", {}),
        (
            "call me at 555-123-4567, my knee hurts since yesterday",
            {"contact": "555-123-4567", "pain_duration": "since yesterday"},
        ),
        (
            "42 yo female, low back pain x 3 weeks, 7/10",
            {"age": "42 yo", "pain_duration": "3 weeks", "pain_level": "7/10"},
        ),
        (
            "Hi! I'm Anne-Marie O'Neil, 58 y/o, sciatica for 6 months, 6/10",
            {
                "patient_name": "Anne-Marie O'Neil",
                "age": "58",
                "pain_duration": "6 months",
                "pain_level": "6/10",
            },
        ),
        (
            "Ive had back pain on and off for 10 years, usually a 4 but now about an 8",
            {"pain_duration": "10 years", "pain_level": "about an 8"},
        ),
        ("lower back pain, for 3 weeks now", {"pain_duration": "3 weeks"}),
        ("My knee hurts, it started 3 weeks ago", {"pain_duration": "3 weeks ago"}),
        ("back pain since the accident in June", {"pain_duration": "since the accident in June"}),
        ("my neck hurts since 2099", {}),  # a future year
        ("the pain is about a 7, sometimes like a 9", {}),  # two ratings: ask instead
        ("<script>alert(1)</script> I'm Maria", {"patient_name": "Maria"}),
        (
            "email: Maria.L@Example.com, I'm 42",
            {"contact": "Maria.L@Example.com", "age": "42"},
        ),
    ],
)
def test_find_volunteered(text: str, expected: dict[str, str]) -> None:
    assert find_volunteered(text) == expected


_SLOT_PARSERS: dict[str, Callable[[str], ParseResult[Any]]] = {
    "patient_name": parse_name,
    "age": parse_age,
    "contact": parse_contact,
    "pain_level": parse_pain_level,
    "pain_duration": lambda t: parse_duration(t, today=datetime.date.today()),
}


@pytest.mark.parametrize(
    "text",
    [
        "I'm Maria, 42, and my lower back has hurt for 3 weeks, about a 7",
        "my name is john smith and i'm 35 years old, email john@x.org",
        "I'm Chris, 29yo, knee pain for two weeks, maybe a 5",
        "pain 9/10 for 3 days, I'm 67, text me on (555) 123-4567",
        "I'm Sam and my neck hurts, pain is 6",
        "my shoulder has been sore since Monday, it's a 4",
        "Me llamo Lucía, tengo dolor de espalda",
        *NASTY,
    ],
    ids=lambda t: repr(t[:30]),
)
def test_every_volunteered_value_parses(text: str) -> None:
    found = find_volunteered(text)
    assert set(found) <= set(_SLOT_PARSERS)
    for slot, fragment in found.items():
        assert fragment.strip() == fragment and fragment
        assert _SLOT_PARSERS[slot](fragment).ok, (slot, fragment)


def test_volunteered_slots_come_in_form_order() -> None:
    found = find_volunteered("sciatica for 6 months, 6/10, I'm Sam, 40, sam@x.org")
    assert list(found) == ["patient_name", "age", "contact", "pain_level", "pain_duration"]


def test_volunteered_age_and_name_parse_to_the_expected_values() -> None:
    found = find_volunteered("my name is john smith and i'm 35 years old")
    assert parse_name(found["patient_name"]) == ParseResult("John Smith")
    assert parse_age(found["age"]) == ParseResult(35)
