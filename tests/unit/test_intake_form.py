"""validate_intake_form with inline Tracker objects: the exact events for each answer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.intake import messages
from actions.intake_form import ValidateIntakeForm


def make_tracker(
    text: str,
    *,
    requested: str | None,
    intent: str = "inform",
    confidence: float = 0.95,
    slots: dict[str, Any] | None = None,
    earlier: list[str] | None = None,
    after_interruption: str | None = None,
) -> Tracker:
    """A tracker whose latest event is the patient's ``text`` while the form asks ``requested``."""
    events: list[dict[str, Any]] = [{"event": "user", "text": t} for t in earlier or []]
    events.append({"event": "user", "text": text})
    if after_interruption:
        events.append({"event": "action", "name": after_interruption})
    events.append({"event": "action", "name": "intake_form"})
    return Tracker(
        sender_id="unit-test",
        slots={"requested_slot": requested, **(slots or {})},
        latest_message={"text": text, "intent": {"name": intent, "confidence": confidence}},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "intake_form"},
        latest_action_name="intake_form",
    )


def run(tracker: Tracker) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateIntakeForm().run(dispatcher, tracker, {}))
    return events, dispatcher


def slot_events(**values: Any) -> list[dict[str, Any]]:
    return [SlotSet(name, value) for name, value in values.items()]


CONSENTED = {"consent": True}


@pytest.mark.parametrize(
    ("requested", "text", "intent", "slots", "expected"),
    [
        (
            "consent",
            "/affirm",
            "affirm",
            {},
            {"consent": True, "requested_slot": "patient_name"},
        ),
        (
            "consent",
            "/deny",
            "deny",
            {},
            {"consent": False, "requested_slot": None},
        ),
        (
            "patient_name",
            "i'm maria lopez",
            "inform",
            CONSENTED,
            {"patient_name": "Maria Lopez", "requested_slot": "age"},
        ),
        (
            "age",
            "42",
            "inform",
            CONSENTED,
            {"age": 42, "requested_slot": "patient_name"},
        ),
        (
            "contact",
            "Maria.L@Example.com",
            "inform",
            CONSENTED,
            {
                "contact": "maria.l@example.com",
                "requested_slot": "patient_name",
            },
        ),
        (
            "pain_level",
            "about a 6",
            "inform",
            CONSENTED,
            {"pain_level": 6, "requested_slot": "patient_name"},
        ),
        (
            "pain_level",
            "moderate",
            "inform",
            CONSENTED,
            {"pain_level": 5, "requested_slot": "patient_name"},
        ),
        (
            "physician_referral",
            "/deny",
            "deny",
            CONSENTED,
            {"physician_referral": False, "requested_slot": "patient_name"},
        ),
        (
            "goals",
            "less pain and to relax",
            "inform",
            CONSENTED,
            {
                "goals": ["pain_relief", "stress_reduction"],
                "requested_slot": "patient_name",
            },
        ),
        (
            "pressure_preference",
            "gentle please",
            "inform",
            CONSENTED,
            {
                "pressure_preference": "light",
                "requested_slot": "patient_name",
            },
        ),
        (
            "insurance",
            "I'll pay myself",
            "inform",
            CONSENTED,
            {"insurance": "self_pay", "requested_slot": "patient_name"},
        ),
        (
            "insurance",
            "Blue Cross",
            "inform",
            CONSENTED,
            {"insurance": "Blue Cross", "requested_slot": "patient_name"},
        ),
        (
            "referring_physician",
            "Dr. Patel at Riverside",
            "inform",
            {**CONSENTED, "physician_referral": True},
            {
                "referring_physician": "Dr. Patel at Riverside",
                "requested_slot": "patient_name",
            },
        ),
    ],
)
def test_valid_answers_set_exact_slots(
    requested: str, text: str, intent: str, slots: dict[str, Any], expected: dict[str, Any]
) -> None:
    events, dispatcher = run(make_tracker(text, requested=requested, intent=intent, slots=slots))
    assert events == slot_events(**expected)
    next_slot = expected["requested_slot"]
    asked = [m["text"] for m in dispatcher.messages]
    assert asked == ([messages.question(next_slot)[0]] if next_slot else [])


def test_pain_duration_sets_days_and_chronicity() -> None:
    events, _ = run(make_tracker("3 weeks", requested="pain_duration", slots=CONSENTED))
    assert events == slot_events(
        pain_duration="3 weeks",
        duration_days=21,
        chronicity="acute",
        requested_slot="patient_name",
    )


@pytest.mark.parametrize(
    ("requested", "text", "problem"),
    [
        ("age", "250", "out_of_range"),
        ("age", "old enough", None),
        ("pain_level", "15", "out_of_range"),
        ("contact", "maria@", "bad_email"),
        ("contact", "555", "bad_phone"),
        ("pain_duration", "purple", None),
    ],
)
def test_invalid_answers_reask_with_a_hint(requested: str, text: str, problem: str | None) -> None:
    events, dispatcher = run(make_tracker(text, requested=requested, slots=CONSENTED))
    assert events == slot_events(
        **{requested: None, "misunderstandings": 1, "requested_slot": "patient_name"}
    )
    assert [m["text"] for m in dispatcher.messages] == [
        messages.invalid(requested, problem),
        messages.question("patient_name")[0],
    ]


def test_second_failure_offers_buttons() -> None:
    tracker = make_tracker("old", requested="age", slots={**CONSENTED, "misunderstandings": 1})
    events, dispatcher = run(tracker)
    assert SlotSet("misunderstandings", 2) in events
    assert dispatcher.messages[0]["buttons"] == messages.buttons(
        "misunderstood.repeated_in_form_buttons_required"
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("do I need a prescription?", "faq"),
        ("why do you need this", "ask_why"),
        ("can I skip this", "ask_skip"),
        ("talk to a person", "human_handoff"),
        ("start over", "start_over"),
    ],
)
def test_interruptions_are_rejected_so_a_rule_answers(text: str, intent: str) -> None:
    events, dispatcher = run(
        make_tracker(text, requested="chief_complaint", intent=intent, slots=CONSENTED)
    )
    assert events == []
    assert dispatcher.messages == []


def test_unclear_message_is_rejected_for_the_misunderstanding_rule() -> None:
    events, _ = run(
        make_tracker(
            "hmm let me think about it",
            requested="age",
            intent="nlu_fallback",
            confidence=0.3,
            slots=CONSENTED,
        )
    )
    assert events == []


@pytest.mark.parametrize("intent", ["nlu_fallback", "out_of_scope", "inform"])
def test_keyboard_mash_is_a_misunderstanding_whatever_the_intent(intent: str) -> None:
    events, dispatcher = run(
        make_tracker("asdfghjkl qwxzvbn", requested="patient_name", intent=intent, slots=CONSENTED)
    )
    assert events == slot_events(
        patient_name=None, misunderstandings=1, requested_slot="patient_name"
    )
    assert [m["text"] for m in dispatcher.messages] == [
        messages.text("misunderstood.first"),
        messages.question("patient_name")[0],
    ]
    assert dispatcher.messages[0]["buttons"] == []


def test_low_confidence_interruption_loses_to_an_answer_that_fits() -> None:
    events, _ = run(
        make_tracker("7", requested="pain_level", intent="faq", confidence=0.5, slots=CONSENTED)
    )
    assert SlotSet("pain_level", 7) in events


def test_resuming_after_an_interruption_only_asks_again() -> None:
    tracker = make_tracker(
        "why do you need this",
        requested="age",
        intent="ask_why",
        slots=CONSENTED,
        after_interruption="action_explain_why",
    )
    events, _ = run(tracker)
    assert events == slot_events(requested_slot="patient_name")


def test_consent_keeps_what_was_volunteered_before_it() -> None:
    tracker = make_tracker(
        "yes",
        requested="consent",
        intent="affirm",
        earlier=["I'm Maria, 42, email maria@example.com"],
    )
    events, _ = run(tracker)
    assert events == slot_events(
        consent=True,
        patient_name="Maria",
        age=42,
        contact="maria@example.com",
        requested_slot="chief_complaint",
    )


def test_declined_consent_keeps_nothing_volunteered() -> None:
    tracker = make_tracker("no", requested="consent", intent="deny", earlier=["I'm Maria, 42"])
    events, _ = run(tracker)
    assert events == slot_events(consent=False, requested_slot=None)


def test_skipped_questions_are_not_asked() -> None:
    slots = {
        **CONSENTED,
        "patient_name": "A",
        "age": 30,
        "contact": "a@b.co",
        "chief_complaint": "neck pain",
        "skipped_slots": ["pain_duration", "onset_cause"],
    }
    events, _ = run(make_tracker("6", requested="pain_level", slots=slots))
    assert events[-1] == SlotSet("requested_slot", "diagnosis")
