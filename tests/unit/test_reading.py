"""Answer first: what part of a message answers, asks, or requests."""

from __future__ import annotations

import pytest

from actions.intake.reading import Reading, read_message


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("my back hurts so much", "faq", Reading("my back hurts so much", "", None)),
        ("football, Sunday league", "out_of_scope", Reading("football, Sunday league", "", None)),
        ("lower back?", "faq", Reading("lower back?", "", None)),
        ("how long is a session?", "faq", Reading("", "how long is a session?", None)),
        ("how long is a session", "inform", Reading("", "how long is a session", None)),
        (
            "stiff neck from work, how long is a session btw?",
            "faq",
            Reading("stiff neck from work", "how long is a session btw?", None),
        ),
        (
            "my back is stiff from gardening. do you do deep tissue?",
            "inform",
            Reading("my back is stiff from gardening.", "do you do deep tissue?", None),
        ),
        (
            "whatever the therapist thinks",
            "faq",
            Reading("whatever the therapist thinks", "", None),
        ),
        ("Who knows, maybe stress", "faq", Reading("Who knows, maybe stress", "", None)),
        ("Maria.L@Example.com", "inform", Reading("Maria.L@Example.com", "", None)),
        ("Dr. Patel at Riverside", "inform", Reading("Dr. Patel at Riverside", "", None)),
        ("I want to talk to a real person", "inform", Reading("", "", "human_handoff")),
        ("can we start again", "inform", Reading("", "", "start_over")),
        ("skip", "inform", Reading("", "", "ask_skip")),
        ("bye", "inform", Reading("", "", "goodbye")),
        ("thanks!", "thank", Reading("", "", None)),
        ("are you a bot?", "bot_challenge", Reading("", "are you a bot?", None)),
        ("aye go on then", "goodbye", Reading("aye go on then", "", None)),
        ("", "inform", Reading("", "", None)),
    ],
)
def test_read_message(text: str, intent: str, expected: Reading) -> None:
    assert read_message(text, intent=intent, confidence=0.99) == expected


def test_an_intent_alone_names_only_harmless_short_requests() -> None:
    assert read_message("nah", intent="human_handoff", confidence=0.95).request == "human_handoff"
    assert read_message("nah", intent="start_over", confidence=0.95).request is None
    assert read_message("nah", intent="goodbye", confidence=0.95).request is None
    long_text = "my back has hurt since I lifted the sofa last week"
    assert read_message(long_text, intent="human_handoff", confidence=0.95).request is None


@pytest.mark.parametrize("text", ["x" * 10_000, "<b>hi</b>", "😀😀", "\u202eseY", "🤷"])
def test_odd_input_never_raises(text: str) -> None:
    assert isinstance(read_message(text, intent=None), Reading)


@pytest.mark.parametrize(
    "text",
    [
        "When I cycle to work, 25 km, the small fingers get sleepy",
        "did my first half marathon sunday, now both calves are rock hard",
        "if i sit too long my lower back locks up",
    ],
)
def test_a_statement_that_starts_like_a_question_is_an_answer(text: str) -> None:
    assert read_message(text, intent="inform") == Reading(text, "", None)


@pytest.mark.parametrize("text", ["when is the clinic open", "did my referral arrive?"])
def test_real_questions_still_ask(text: str) -> None:
    assert read_message(text, intent="faq").question == text
