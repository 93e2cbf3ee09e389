"""Whole conversations through Rasa's REST channel with the real action server."""

from __future__ import annotations

import pytest

from actions.intake import messages
from tests.e2e.conftest import Patient

pytestmark = pytest.mark.slow


def asks(slot: str) -> str:
    """The question the bot asks for ``slot``."""
    return messages.question(slot)[0]


def asks_again(slot: str) -> str:
    """The question for ``slot`` the second time in a row: put another way, with buttons."""
    return messages.question_again(slot)[0]


def start(patient: Patient) -> None:
    """Greet and give consent; the bot then asks for the name."""
    assert asks("consent") in patient.says("hi"), patient.history()
    assert asks("patient_name") in patient.says("yes"), patient.history()


ANSWERS = [
    ("patient_name", "Maria Lopez", "age"),
    ("age", "42", "contact"),
    ("contact", "maria.lopez@example.com", "chief_complaint"),
    (
        "chief_complaint",
        "my lower back aches and gets stiff after sitting",
        "urgency_check_checklist",
    ),
    ("urgency_check_checklist", "none of these", "pain_level"),
    ("pain_level", "about a 6", "pain_duration"),
    ("pain_duration", "3 weeks", "onset_cause"),
    ("onset_cause", "from sitting at a desk all day", "diagnosis"),
    ("diagnosis", "no", "physician_referral"),
    ("physician_referral", "no", "medical_history"),
    ("medical_history", "none", "medications"),
    ("medications", "none", "goals"),
    ("goals", "less pain", "pressure_preference"),
    ("pressure_preference", "medium", "insurance"),
]


def answer_all(patient: Patient, answers: list[tuple[str, str, str]] = ANSWERS) -> str:
    """Answer each question in turn, checking the next question is the expected one."""
    reply = ""
    for slot, text, next_slot in answers:
        reply = patient.says(text)
        assert asks(next_slot) in reply, f"after {slot}={text!r}:\n{patient.history()}"
    return reply


def test_happy_path_completes_the_intake(patient: Patient) -> None:
    start(patient)
    answer_all(patient)
    readback = patient.says("self-pay")
    assert "Maria Lopez" in readback and "6 out of 10" in readback, patient.history()
    assert "lower back" in readback.lower()
    assert asks("summary_confirmed") in readback
    goodbye = patient.says("yes")
    assert "Thank you, Maria" in goodbye, patient.history()
    slots = patient.tracker()["slots"]
    assert slots["intake_status"] == "complete"
    assert slots["age"] == 42 and slots["pain_level"] == 6
    assert slots["duration_days"] == 21 and slots["chronicity"] == "acute"
    assert slots["contact"] == "maria.lopez@example.com"
    assert slots["insurance"] == "self_pay" and slots["goals"] == ["pain_relief"]
    assert patient.tracker()["active_loop"] in ({}, None) or not patient.tracker()[
        "active_loop"
    ].get("name")


def test_volunteered_answers_are_not_asked_again(patient: Patient) -> None:
    first = patient.says("I'm Maria, 42, and my lower back has hurt for 3 weeks, about a 7")
    assert asks("consent") in first, patient.history()
    # Kept only once consent is given; the complaint is known, so the safety checklist
    # comes first, then the next unanswered question: contact.
    reply = patient.says("yes")
    assert asks("urgency_check_checklist") in reply, patient.history()
    assert asks("contact") in patient.says("none of these"), patient.history()
    slots = patient.tracker()["slots"]
    assert slots["patient_name"] == "Maria" and slots["age"] == 42
    assert slots["pain_level"] == 7 and slots["duration_days"] == 21
    assert slots["chief_complaint"]
    reply = patient.says("maria@example.com")
    assert asks("onset_cause") in reply, patient.history()


def test_declined_consent_keeps_nothing(patient: Patient) -> None:
    patient.says("hello, I'm Tom and I'm 50")
    reply = patient.says("no")
    assert "haven't kept" in reply, patient.history()
    slots = patient.tracker()["slots"]
    assert slots["consent"] is None and slots["patient_name"] is None and slots["age"] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("do I need a prescription from my doctor?", None),  # an FAQ answer
        ("why do you need this?", messages.why("age")),
        ("can I skip this?", "can't skip"),
        ("tell me a joke", "only able to help"),
        ("are you a bot?", "automated assistant"),
    ],
)
def test_interruptions_keep_the_form(patient: Patient, text: str, expected: str | None) -> None:
    start(patient)
    patient.says("Sam")
    reply = patient.says(text)
    if expected:
        assert expected in reply, patient.history()
    assert reply.strip().endswith(asks_again("age")), patient.history()
    assert patient.slot("requested_slot") == "age"
    assert asks("contact") in patient.says("35"), patient.history()


def test_optional_question_can_be_skipped(patient: Patient) -> None:
    start(patient)
    answer_all(patient, ANSWERS[:6])
    reply = patient.says("can I skip this?")
    assert messages.text("skip.skipped") in reply and asks("onset_cause") in reply, (
        patient.history()
    )
    assert patient.slot("skipped_slots") == ["pain_duration"]


def test_talk_to_a_person_marks_the_conversation(patient: Patient) -> None:
    start(patient)
    reply = patient.says("I want to talk to a real person")
    assert "member of our team" in reply and asks_again("patient_name") in reply, patient.history()
    assert patient.slot("handoff_requested") is True


def test_start_over_forgets_everything(patient: Patient) -> None:
    start(patient)
    patient.says("Maria")
    reply = patient.says("start over")
    assert messages.text("start_over") in reply and asks("consent") in reply, patient.history()
    assert patient.slot("patient_name") is None


def test_gibberish_twice_offers_buttons_then_moves_on(patient: Patient) -> None:
    start(patient)
    first = patient.say("asdfghjkl qwxzvbn")
    assert first[-1]["text"] == asks_again("patient_name"), patient.history()
    assert first[-1].get("buttons"), patient.history()
    second = patient.says("zzxqwv kjhgf")
    assert messages.text("moved_on.noted") in second and asks("age") in second, patient.history()
    assert patient.slot("unclear_answers") == {"patient_name": "zzxqwv kjhgf"}


def test_correction_at_the_summary(patient: Patient) -> None:
    start(patient)
    answer_all(patient)
    patient.says("self-pay")
    reply = patient.says("no, the pain is in my right shoulder")
    assert "right shoulder" in reply.lower() and asks("summary_confirmed") in reply, (
        patient.history()
    )
    regions = patient.slot("body_regions")
    assert {"region": "shoulder", "side": "right"} in regions
    plain_no = patient.says("no")
    assert messages.text("summary.ask_what") in plain_no, patient.history()
    reask = patient.says("Pain level")
    assert asks("pain_level") in reask, patient.history()
    again = patient.says("4")
    assert "4 out of 10" in again and asks("summary_confirmed") in again, patient.history()
    assert "Thank you, Maria" in patient.says("yes, that's right")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x" * 10_000,
        "😀😀😀",
        "<script>alert('hi')</script>",
        "¿Dónde está la clínica? 我的背很痛",
        "250",
    ],
)
def test_bad_input_gets_a_reply_and_the_form_survives(patient: Patient, text: str) -> None:
    start(patient)
    patient.says("Sam")
    reply = patient.say(text)
    assert any(r.get("text") for r in reply), f"no reply to {text[:40]!r}\n{patient.history()}"
    assert patient.slot("requested_slot") == "age", patient.history()
    assert patient.slot("patient_name") == "Sam"
    assert asks("contact") in patient.says("35"), patient.history()


def test_out_of_range_age_is_explained(patient: Patient) -> None:
    start(patient)
    patient.says("Sam")
    reply = patient.says("I'm 250")
    assert messages.invalid("age", "out_of_range") in reply, patient.history()
    assert asks_again("age") in reply


def test_start_over_again_and_again_never_asks_consent_a_third_time(patient: Patient) -> None:
    patient.say("hi")
    patient.say("start over")  # the Patient helper fails on a third ask in a row
    said = patient.says("start over")
    assert "haven't kept" in said, patient.history()
    assert messages.question("consent")[0] in patient.says("start over"), patient.history()
