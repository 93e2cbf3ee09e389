"""Pure intake logic: which questions remain, corrections, the read-back, the summary."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from actions.intake import answers, corrections, flow, readback
from actions.intake.summary import build_summary
from tests.unit.intake_states import FILLED

TODAY = datetime.date(2026, 6, 15)


def test_next_question_follows_the_contract_order() -> None:
    assert flow.next_question({}) == "consent"
    assert flow.next_question({"consent": True}) == "patient_name"
    assert flow.next_question(FILLED) == "summary_confirmed"


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ({"consent": False}, []),
        ({"consent": True, "triage_level": "emergency"}, []),
    ],
)
def test_the_form_ends_on_declined_consent_or_emergency(
    slots: dict[str, Any], expected: list[str]
) -> None:
    assert flow.remaining_slots(slots) == expected
    assert flow.next_question(slots) is None


def test_referring_doctor_is_asked_only_after_a_yes() -> None:
    no = {**FILLED, "physician_referral": False}
    yes = {**FILLED, "physician_referral": True}
    assert "referring_physician" not in flow.remaining_slots(no)
    assert flow.next_question(yes) == "referring_physician"


def test_skipped_questions_drop_out() -> None:
    slots = {**FILLED, "pain_duration": None, "skipped_slots": ["pain_duration"]}
    assert flow.next_question(slots) == "summary_confirmed"


@pytest.mark.parametrize("slot", sorted(flow.REQUIRED_SLOTS))
def test_required_questions_cannot_be_skipped(slot: str) -> None:
    assert not flow.is_skippable(slot)


@pytest.mark.parametrize(
    ("intent", "confidence", "fits", "expected"),
    [
        ("faq", 0.95, True, True),
        ("faq", 0.5, True, False),
        ("faq", 0.5, False, True),
        ("inform", 0.99, False, False),
        ("nlu_fallback", 0.3, False, False),
    ],
)
def test_interruption_or_answer(intent: str, confidence: float, fits: bool, expected: bool) -> None:
    assert flow.is_interruption(intent, confidence, answer_fits=fits) is expected


def test_red_flags_merge_keeps_the_safer_reading() -> None:
    earlier = [{"id": "pregnancy", "level": "caution", "evidence": "pregnant"}]
    later = [
        {"id": "pregnancy", "level": "caution", "evidence": "not pregnant"},
        {"id": "blood_clot", "level": "physician_clearance", "evidence": "clot"},
    ]
    merged = flow.merge_red_flags(earlier, later)
    assert [f["id"] for f in merged] == ["blood_clot", "pregnancy"]
    assert merged[1]["evidence"] == "pregnant"
    assert flow.most_urgent([f["level"] for f in merged]) == "physician_clearance"
    assert flow.most_urgent([]) == "routine"


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("yes", "affirm", corrections.SummaryReply(confirmed=True)),
        ("/affirm", "affirm", corrections.SummaryReply(confirmed=True)),
        ("no", "deny", corrections.SummaryReply(ask_what=True)),
        ("the age is wrong", "deny", corrections.SummaryReply(reask="age")),
        (
            "no, my email is maria.l@example.org",
            "deny",
            corrections.SummaryReply(updates={"contact": "maria.l@example.org"}),
        ),
        ("actually I'm 43", "inform", corrections.SummaryReply(updates={"age": 43})),
        (
            "no, firm pressure please",
            "deny",
            corrections.SummaryReply(reask=None, updates={"pressure_preference": "firm"}),
        ),
    ],
)
def test_replies_to_the_summary(text: str, intent: str, expected: corrections.SummaryReply) -> None:
    assert corrections.read_reply(text, intent=intent, today=TODAY) == expected


def test_a_new_place_replaces_the_complaint() -> None:
    reply = corrections.read_reply(
        "no, the pain is in my right shoulder", intent="deny", today=TODAY
    )
    assert reply.updates["chief_complaint"] == "the pain is in my right shoulder"
    assert {"region": "shoulder", "side": "right"} in reply.updates["body_regions"]


@pytest.mark.parametrize(
    ("label", "slot"),
    [("Pain level", "pain_level"), ("Medicines", "medications"), ("my name", "patient_name")],
)
def test_choosing_a_field_reasks_it(label: str, slot: str) -> None:
    reply = corrections.read_reply(label, intent="inform", today=TODAY, choosing_field=True)
    assert reply.reask == slot


def test_readback_shows_every_answer_in_plain_words() -> None:
    lines = readback.summary_lines({**FILLED, "skipped_slots": ["onset_cause"]})
    assert "• Main problem: my lower back aches (lower back)" in lines
    assert "• Pain level: 6 out of 10" in lines
    assert "• What started it: skipped" in lines
    assert "• Insurance: self-pay" in lines
    assert "• Referral: no" in lines


def test_suggestions_are_never_worded_as_a_diagnosis() -> None:
    assessment = {
        "suggested_conditions": [{"name": "Low back pain"}, {"name": "Muscle spasm"}],
        "suggested_techniques": [{"name": "Swedish massage"}],
    }
    lines = readback.suggestion_lines(assessment)
    assert (
        lines[0] == "Your therapist may look into (not a diagnosis): Low back pain, Muscle spasm."
    )
    assert lines[1] == "Techniques they may consider: Swedish massage."


def test_summary_has_the_contract_shape_and_keeps_conversation_flags() -> None:
    slots = {
        **FILLED,
        "red_flags": [{"id": "anticoagulants", "level": "caution", "evidence": "warfarin"}],
        "medication_list": ["warfarin"],
    }
    assessment = {"triage": {"level": "routine", "red_flags": []}, "suggested_conditions": []}
    now = datetime.datetime(2026, 6, 15, 9, 30, tzinfo=datetime.timezone.utc)
    summary = build_summary(conversation_id="c1", slots=slots, assessment=assessment, now=now)
    assert summary["schema_version"] == "1"
    assert summary["patient"] == {"name": "Maria Lopez", "age": 42, "contact": "maria@example.com"}
    assert summary["triage"]["level"] == "caution"
    assert summary["insurance"] == {"provider": None, "self_pay": True}
    assert summary["history"]["medications"] == ["warfarin"]
    assert summary["complaint"]["duration_days"] == 21
    assert summary["created_at"] == "2026-06-15T09:30:00+00:00"


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("/affirm", "affirm", {"physician_referral": True}),
        ("no referral", "inform", {"physician_referral": False}),
        ("dr patel referred me", "inform", {"physician_referral": True}),
        (
            "Yes, Dr. Patel at Riverside",
            "affirm",
            {"physician_referral": True, "referring_physician": "Dr. Patel"},
        ),
        ("I don't have a prescription", "inform", {"physician_referral": False}),
    ],
)
def test_referral_answers(text: str, intent: str, expected: dict[str, Any]) -> None:
    assert (
        answers.interpret("physician_referral", text, intent=intent, today=TODAY).slots == expected
    )


@pytest.mark.parametrize("text", ["not sure", "maybe?"])
def test_unclear_referral_answers_are_asked_again(text: str) -> None:
    assert answers.interpret("physician_referral", text, today=TODAY).problem == "not_understood"
