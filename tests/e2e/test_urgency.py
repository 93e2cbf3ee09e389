"""Clarify urgency end to end: one yes/no question when the screen is not sure.

"terrible pain in my heart" may be an emergency or an old complaint. The bot
asks once, with buttons; yes stops the intake with "seek care now", no keeps
the answer, flags it for a doctor's review and carries on. Neither path asks
the same question again.
"""

from __future__ import annotations

from actions.intake import messages
from tests.e2e.conftest import Patient

URGENCY_QUESTION = messages.question("urgency_check")[0]


def _to_the_complaint(patient: Patient) -> None:
    patient.say("hello")
    patient.say("yes")
    patient.say("Ngozi Adeyemi-Okafor")
    patient.say("fifty two")
    patient.say("ngozi@example.com")


def test_yes_to_the_urgency_question_is_an_emergency_stop(patient: Patient) -> None:
    _to_the_complaint(patient)
    replies = patient.say("terrible pain in my heart")
    assert replies[-1]["text"] == URGENCY_QUESTION, patient.history()
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["/affirm", "/deny"]
    assert patient.slot("chief_complaint") == "terrible pain in my heart"
    said = patient.says("/affirm")
    assert "get medical help now" in said, patient.history()
    assert patient.slot("intake_status") == "emergency"
    assert [f["id"] for f in patient.slot("red_flags")] == ["chest_pain"]


def test_no_to_the_urgency_question_flags_for_review_and_carries_on(patient: Patient) -> None:
    _to_the_complaint(patient)
    assert patient.say("terrible pain in my heart")[-1]["text"] == URGENCY_QUESTION
    said = patient.says("no, it's not an emergency")
    assert messages.question("pain_level")[0] in said, patient.history()
    assert patient.slot("triage_level") == "physician_clearance"
    assert "heart_condition" in [f["id"] for f in patient.slot("red_flags")]
    assert patient.slot("intake_status") is None


def test_a_clear_emergency_in_everyday_words_stops_without_asking(patient: Patient) -> None:
    _to_the_complaint(patient)
    said = patient.says("crushing pressure behind my breastbone going into my jaw, sweating")
    assert URGENCY_QUESTION not in said
    assert "get medical help now" in said, patient.history()
    assert patient.slot("intake_status") == "emergency"


def test_an_unclear_reply_twice_takes_the_cautious_reading(patient: Patient) -> None:
    _to_the_complaint(patient)
    patient.say("terrible pain in my heart")
    again = patient.say("hmm")
    assert again[-1]["text"] == messages.question_again("urgency_check")[0], patient.history()
    said = patient.says("hmm")
    assert "get medical help now" in said, patient.history()
    assert patient.slot("intake_status") == "emergency"


SAFETY_QUESTION = messages.question("urgency_check_safety")[0]


def test_low_mood_gets_the_safety_question_and_yes_gives_crisis_help(patient: Patient) -> None:
    _to_the_complaint(patient)
    replies = patient.say("my back aches but honestly i'm tired of everything, no way out")
    assert replies[-1]["text"] == SAFETY_QUESTION, patient.history()
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["/affirm", "/deny"]
    said = patient.says("/affirm")
    assert "988" in said, patient.history()
    assert patient.slot("intake_status") == "emergency"
    assert [f["id"] for f in patient.slot("red_flags")] == ["self_harm"]


def test_no_to_the_safety_question_raises_nothing_and_carries_on(patient: Patient) -> None:
    _to_the_complaint(patient)
    assert patient.say("tired of everything, my back aches")[-1]["text"] == SAFETY_QUESTION
    said = patient.says("no")
    assert messages.question("pain_level")[0] in said, patient.history()
    assert patient.slot("red_flags") in (None, [])
    assert patient.slot("triage_level") in (None, "routine")


CHECKLIST_QUESTION = messages.question("urgency_check_checklist")[0]


def test_a_sign_the_words_missed_is_caught_by_the_checklist(patient: Patient) -> None:
    _to_the_complaint(patient)
    replies = patient.say("my back's been sore since the weekend")
    assert replies[-1]["text"] == CHECKLIST_QUESTION, patient.history()
    buttons = replies[-1]["buttons"]
    assert len(buttons) == 8 and buttons[-1]["payload"] == "/deny"
    said = patient.says(buttons[1]["payload"])  # "Struggling to breathe"
    assert "get medical help now" in said, patient.history()
    assert patient.slot("intake_status") == "emergency"
    assert [f["id"] for f in patient.slot("red_flags")] == ["shortness_of_breath"]


def test_none_of_these_carries_on_and_the_checklist_is_never_asked_again(
    patient: Patient,
) -> None:
    _to_the_complaint(patient)
    assert patient.say("stiff neck from my desk job")[-1]["text"] == CHECKLIST_QUESTION
    said = patient.says("/deny")
    assert messages.question("pain_level")[0] in said, patient.history()
    assert patient.slot("urgency_check") is False
    assert patient.slot("red_flags") in (None, [])
    assert CHECKLIST_QUESTION not in patient.says("about a 5")
