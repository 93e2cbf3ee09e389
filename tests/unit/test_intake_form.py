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
from tests.unit.intake_states import FILLED, answered_before


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


def streak(slot: str | None, count: int = 1) -> dict[str, Any] | None:
    """The ``ask_streak`` value after asking ``slot`` ``count`` times in a row."""
    return {"slot": slot, "count": count} if slot else None


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
                "goals_text": "less pain and to relax",
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
    next_slot = expected["requested_slot"]
    assert events == slot_events(**expected, ask_streak=streak(next_slot))
    asked = [m["text"] for m in dispatcher.messages]
    assert asked == ([messages.question(next_slot)[0]] if next_slot else [])


def test_pain_duration_sets_days_and_chronicity() -> None:
    events, _ = run(make_tracker("3 weeks", requested="pain_duration", slots=CONSENTED))
    assert events == slot_events(
        pain_duration="3 weeks",
        duration_days=21,
        chronicity="acute",
        requested_slot="patient_name",
        ask_streak=streak("patient_name"),
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
    slots = {**answered_before(requested), "ask_streak": streak(requested)}
    events, dispatcher = run(make_tracker(text, requested=requested, slots=slots))
    assert events == slot_events(
        **{requested: None, "requested_slot": requested, "ask_streak": streak(requested, 2)}
    )
    again_text, again_buttons = messages.question_again(requested)
    assert [m["text"] for m in dispatcher.messages] == [
        messages.invalid(requested, problem),
        again_text,
    ]
    assert dispatcher.messages[-1]["buttons"] == again_buttons


def test_the_second_ask_has_an_example_and_buttons() -> None:
    slots = {**answered_before("pain_level"), "ask_streak": streak("pain_level")}
    _, dispatcher = run(make_tracker("hard to say really", requested="pain_level", slots=slots))
    last = dispatcher.messages[-1]
    assert "0" in last["text"] and "10" in last["text"]
    assert [b["title"] for b in last["buttons"]][:3] == [
        "Mild (about 3)",
        "Moderate (about 5)",
        "Severe (about 8)",
    ]


@pytest.mark.parametrize(
    ("requested", "text"),
    [
        ("age", "old enough"),
        ("pain_duration", "it comes and goes"),
        ("pressure_preference", "ask me on the day"),
        ("contact", "you can find me on the socials"),
    ],
)
def test_a_third_ask_never_happens_the_answer_is_kept_as_written(requested: str, text: str) -> None:
    slots = {**answered_before(requested), "ask_streak": streak(requested, 2)}
    events, dispatcher = run(make_tracker(text, requested=requested, slots=slots))
    values = {e["name"]: e["value"] for e in events}
    assert values["unclear_answers"] == {requested: text}
    assert values["requested_slot"] != requested
    assert values["ask_streak"] == streak(values["requested_slot"])
    said = [m["text"] for m in dispatcher.messages]
    assert messages.text("moved_on.noted") in said
    assert messages.text("moved_on.person") in said


def test_two_unclear_consent_answers_keep_nothing() -> None:
    slots = {"ask_streak": streak("consent", 2)}
    events, _ = run(make_tracker("hmm what is this", requested="consent", slots=slots))
    values = {e["name"]: e["value"] for e in events}
    assert values["consent"] is False
    assert values["requested_slot"] is None


def test_an_unconfirmed_read_back_is_sent_as_it_stands_after_two_tries() -> None:
    slots = {
        **FILLED,
        "ask_streak": streak("summary_confirmed", 2),
        "correction_pending": True,
    }
    events, _ = run(make_tracker("hmmm", requested="summary_confirmed", slots=slots))
    values = {e["name"]: e["value"] for e in events}
    assert values["summary_confirmed"] is True
    assert values["unclear_answers"] == {"summary_confirmed": "hmmm"}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("can I skip this", "ask_skip"),
        ("talk to a person", "human_handoff"),
        ("start over", "start_over"),
    ],
)
def test_requests_are_rejected_so_a_rule_answers(text: str, intent: str) -> None:
    events, dispatcher = run(
        make_tracker(text, requested="chief_complaint", intent=intent, slots=CONSENTED)
    )
    assert events == []
    assert dispatcher.messages == []


def test_a_question_is_answered_here_and_the_question_asked_again() -> None:
    tracker = make_tracker(
        "how long is a session?", requested="age", intent="faq", slots=answered_before("age")
    )
    tracker.latest_message["response_selector"] = {
        "faq": {"response": {"confidence": 0.93, "responses": [{"text": "About an hour."}]}}
    }
    events, dispatcher = run(tracker)
    assert [m["text"] for m in dispatcher.messages] == [
        "About an hour.",
        messages.question("age")[0],
    ]
    assert events == slot_events(requested_slot="age", ask_streak=streak("age"))


def test_an_answer_with_a_question_keeps_the_answer_and_answers_the_question() -> None:
    tracker = make_tracker(
        "my lower back aches when I sit. how long is a session?",
        requested="chief_complaint",
        intent="faq",
        slots=CONSENTED,
    )
    tracker.latest_message["response_selector"] = {
        "faq": {"response": {"confidence": 0.9, "responses": [{"text": "About an hour."}]}}
    }
    events, dispatcher = run(tracker)
    values = {e["name"]: e["value"] for e in events}
    assert values["chief_complaint"] == "my lower back aches when I sit."
    assert "About an hour." in [m["text"] for m in dispatcher.messages]
    # Right after the main problem: the safety checklist (then the name).
    assert values["requested_slot"] == "urgency_check"
    assert values["urgency_pending"]["question"] == "checklist"


def test_an_unknown_question_points_to_the_clinic_never_a_guess() -> None:
    tracker = make_tracker(
        "do you do hot stones?", requested="goals", intent="faq", slots=CONSENTED
    )
    tracker.latest_message["response_selector"] = {
        "faq": {"response": {"confidence": 0.2, "responses": [{"text": "What to wear."}]}}
    }
    _, dispatcher = run(tracker)
    said = [m["text"] for m in dispatcher.messages]
    assert "What to wear." not in said
    assert said[0].startswith("That's a good question for the clinic's team")


@pytest.mark.parametrize(
    ("requested", "text", "intent", "slot", "value"),
    [
        (
            "medications",
            "something for my nerves at night and paracetamol",
            "out_of_scope",
            "medications",
            "something for my nerves at night and paracetamol",
        ),
        ("onset_cause", "football, Sunday league", "out_of_scope", "onset_cause", "sports"),
        ("goals", "relaxation, something nice for a change", "faq", "goals", ["stress_reduction"]),
        (
            "chief_complaint",
            "my back hurts so much",
            "faq",
            "chief_complaint",
            "my back hurts so much",
        ),
        ("patient_name", "Siobhan O'Connor", "out_of_scope", "patient_name", "Siobhan O'Connor"),
    ],
)
def test_plain_answers_win_over_a_confident_wrong_intent(
    requested: str, text: str, intent: str, slot: str, value: Any
) -> None:
    events, _ = run(
        make_tracker(text, requested=requested, intent=intent, confidence=0.99, slots=CONSENTED)
    )
    values = {e["name"]: e["value"] for e in events}
    assert values[slot] == value
    assert values["requested_slot"] != requested


@pytest.mark.parametrize("intent", ["nlu_fallback", "out_of_scope", "inform"])
def test_keyboard_mash_is_a_misunderstanding_whatever_the_intent(intent: str) -> None:
    events, dispatcher = run(
        make_tracker("asdfghjkl qwxzvbn", requested="patient_name", intent=intent, slots=CONSENTED)
    )
    assert events == slot_events(
        patient_name=None,
        misunderstandings=1,
        requested_slot="patient_name",
        ask_streak=streak("patient_name"),
    )
    assert [m["text"] for m in dispatcher.messages] == [
        messages.text("misunderstood.first"),
        messages.question("patient_name")[0],
    ]


def test_low_confidence_interruption_loses_to_an_answer_that_fits() -> None:
    events, _ = run(
        make_tracker("7", requested="pain_level", intent="faq", confidence=0.5, slots=CONSENTED)
    )
    assert SlotSet("pain_level", 7) in events


def test_resuming_after_an_interruption_asks_again_and_counts_it() -> None:
    tracker = make_tracker(
        "talk to a person",
        requested="age",
        intent="human_handoff",
        slots={**answered_before("age"), "ask_streak": streak("age")},
        after_interruption="action_handoff",
    )
    events, _ = run(tracker)
    assert events == slot_events(requested_slot="age", ask_streak=streak("age", 2))


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
        ask_streak=streak("chief_complaint"),
    )


def test_declined_consent_keeps_nothing_volunteered() -> None:
    tracker = make_tracker("no", requested="consent", intent="deny", earlier=["I'm Maria, 42"])
    events, _ = run(tracker)
    assert events == slot_events(consent=False, requested_slot=None, ask_streak=None)


def test_skipped_questions_are_not_asked() -> None:
    slots = {
        **CONSENTED,
        "patient_name": "A",
        "age": 30,
        "contact": "a@b.co",
        "chief_complaint": "neck pain",
        "urgency_check": False,
        "skipped_slots": ["pain_duration", "onset_cause"],
    }
    events, _ = run(make_tracker("6", requested="pain_level", slots=slots))
    assert SlotSet("requested_slot", "diagnosis") in events


# --- clarify urgency ---------------------------------------------------------------


def test_an_unsure_danger_sign_asks_one_yes_no_question() -> None:
    events, dispatcher = run(
        make_tracker("terrible pain in my heart", requested="chief_complaint", slots=CONSENTED)
    )
    values = {e["name"]: e["value"] for e in events}
    assert values["chief_complaint"] == "terrible pain in my heart"
    assert values["urgency_pending"]["flag"] == "chest_pain"
    assert values["requested_slot"] == "urgency_check"
    question, buttons = messages.question("urgency_check")
    assert dispatcher.messages[-1]["text"] == question
    assert [b["payload"] for b in buttons] == ["/affirm", "/deny"]


PENDING = {"flag": "chest_pain", "otherwise": "heart_condition", "evidence": "pain in my heart"}


def test_yes_to_the_urgency_question_stops_the_intake() -> None:
    slots = {**CONSENTED, "chief_complaint": "x", "urgency_pending": PENDING}
    events, _ = run(
        make_tracker("/affirm", requested="urgency_check", intent="affirm", slots=slots)
    )
    values = {e["name"]: e["value"] for e in events}
    assert values["triage_level"] == "emergency"
    assert [f["id"] for f in values["red_flags"]] == ["chest_pain"]
    assert values["requested_slot"] is None


def test_no_to_the_urgency_question_flags_for_review_and_goes_on() -> None:
    slots = {**answered_before("pain_level"), "urgency_pending": PENDING}
    events, _ = run(
        make_tracker("no, it's not an emergency", requested="urgency_check", slots=slots)
    )
    values = {e["name"]: e["value"] for e in events}
    assert values["triage_level"] == "physician_clearance"
    assert [f["id"] for f in values["red_flags"]] == ["heart_condition"]
    assert values["urgency_pending"] is None
    assert values["requested_slot"] == "pain_level"


def test_no_clear_answer_to_the_urgency_question_twice_is_the_cautious_yes() -> None:
    slots = {
        **CONSENTED,
        "chief_complaint": "x",
        "urgency_pending": PENDING,
        "ask_streak": streak("urgency_check", 2),
    }
    events, _ = run(make_tracker("dunno", requested="urgency_check", slots=slots))
    values = {e["name"]: e["value"] for e in events}
    assert values["triage_level"] == "emergency"
    assert values["requested_slot"] is None


# --- the safety question -------------------------------------------------------------


def test_low_mood_puts_the_safety_question_not_the_happening_now_one() -> None:
    text = "honestly I'm tired of everything and I can't see a future, my back aches"
    events, dispatcher = run(make_tracker(text, requested="chief_complaint", slots=CONSENTED))
    values = {e["name"]: e["value"] for e in events}
    assert values["urgency_pending"]["flag"] == "self_harm"
    assert values["urgency_pending"]["question"] == "safety"
    assert values["requested_slot"] == "urgency_check"
    question, buttons = messages.question("urgency_check_safety")
    assert dispatcher.messages[-1]["text"] == question
    assert [b["payload"] for b in buttons] == ["/affirm", "/deny"]


SAFETY = {"flag": "self_harm", "otherwise": None, "evidence": "no future", "question": "safety"}


def test_yes_to_the_safety_question_stops_with_crisis_advice() -> None:
    slots = {**CONSENTED, "chief_complaint": "x", "urgency_pending": SAFETY}
    events, _ = run(make_tracker("yes", requested="urgency_check", intent="affirm", slots=slots))
    values = {e["name"]: e["value"] for e in events}
    assert values["triage_level"] == "emergency"
    assert [f["id"] for f in values["red_flags"]] == ["self_harm"]
    assert "988" in values["red_flags"][0]["advice"]


def test_no_to_the_safety_question_raises_nothing_and_goes_on() -> None:
    slots = {**answered_before("pain_level"), "urgency_pending": SAFETY}
    events, _ = run(make_tracker("no I'm not", requested="urgency_check", slots=slots))
    values = {e["name"]: e["value"] for e in events}
    assert "red_flags" not in values
    assert "triage_level" not in values
    assert values["urgency_pending"] is None
    assert values["urgency_check"] is False
    assert values["requested_slot"] == "pain_level"


# --- the safety checklist -------------------------------------------------------------

CHECKLIST = {
    "flag": "reported_emergency",
    "otherwise": None,
    "evidence": "",
    "question": "checklist",
}


def test_the_checklist_follows_the_main_problem_once_with_a_button_per_sign() -> None:
    events, dispatcher = run(
        make_tracker("my lower back aches", requested="chief_complaint", slots=CONSENTED)
    )
    values = {e["name"]: e["value"] for e in events}
    assert values["urgency_pending"] == CHECKLIST
    assert values["requested_slot"] == "urgency_check"
    question, buttons = messages.question("urgency_check_checklist")
    assert dispatcher.messages[-1]["text"] == question
    assert len(buttons) == 8 and buttons[-1]["payload"] == "/deny"
    signs = [messages.checklist_flag(b["payload"]) for b in buttons[:-1]]
    assert signs == [
        "chest_pain",
        "shortness_of_breath",
        "stroke_signs",
        "cauda_equina",
        "worst_headache",
        "major_trauma",
        "self_harm",
    ]


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Struggling to breathe", "shortness_of_breath"),
        ("thoughts of harming myself", "self_harm"),
        ("yes", "reported_emergency"),
        ("my chest feels really weird", "chest_pain"),
    ],
)
def test_a_sign_on_the_checklist_stops_the_intake(text: str, flag: str) -> None:
    slots = {**answered_before("pain_level"), "urgency_check": None, "urgency_pending": CHECKLIST}
    events, _ = run(make_tracker(text, requested="urgency_check", slots=slots))
    values = {e["name"]: e["value"] for e in events}
    assert values["triage_level"] == "emergency"
    assert [f["id"] for f in values["red_flags"]] == [flag]
    assert values["requested_slot"] is None


@pytest.mark.parametrize("text", ["/deny", "none of these", "nope all good"])
def test_none_on_the_checklist_goes_on_and_never_asks_again(text: str) -> None:
    slots = {**answered_before("pain_level"), "urgency_check": None, "urgency_pending": CHECKLIST}
    events, _ = run(make_tracker(text, requested="urgency_check", slots=slots))
    values = {e["name"]: e["value"] for e in events}
    assert values["urgency_check"] is False
    assert "red_flags" not in values
    assert values["requested_slot"] == "pain_level"


@pytest.mark.parametrize("text", ["\u202eseY", "\u202eoN", "sounds like a plan for later"])
def test_consent_takes_only_clear_words_or_buttons_never_the_intent_alone(text: str) -> None:
    tracker = make_tracker(text, requested="consent", intent="affirm", confidence=0.99)
    events, _ = run(tracker)
    values = {e["name"]: e["value"] for e in events}
    assert values.get("consent") is None, values  # asked again, never taken as yes
    assert values["requested_slot"] == "consent"


@pytest.mark.parametrize(("text", "answer"), [("/affirm", True), ("yes", True), ("/deny", False)])
def test_consent_buttons_and_plain_words_still_work(text: str, answer: bool) -> None:
    events, _ = run(make_tracker(text, requested="consent", intent="affirm"))
    assert {e["name"]: e["value"] for e in events}["consent"] is answer
