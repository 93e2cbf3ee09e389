"""The one question registry against its mirrors: the Rasa domain and the contract."""

from __future__ import annotations

import yaml

from actions.intake import flow, messages
from actions.questions import QUESTIONS, clinical_text_slots, side_fill_slots
from bot.paths import DOMAIN_DIR


def _domain_slots() -> dict[str, object]:
    return dict(yaml.safe_load((DOMAIN_DIR / "slots.yml").read_text(encoding="utf-8")))


def test_the_form_asks_the_registry_in_order() -> None:
    form = _domain_slots()["forms"]["intake_form"]["required_slots"]  # type: ignore[index]
    assert form == [q.slot for q in QUESTIONS]


def test_every_question_and_derived_slot_is_in_the_domain() -> None:
    slots = _domain_slots()["slots"]
    for question in QUESTIONS:
        assert question.slot in slots  # type: ignore[operator]
        for derived in question.fills:
            assert derived in slots, f"{question.slot} fills unknown slot {derived}"  # type: ignore[operator]


def test_the_form_bookkeeping_slots_exist() -> None:
    slots = _domain_slots()["slots"]
    for name in ("ask_streak", "unclear_answers", "urgency_pending", flow.URGENCY_SLOT):
        assert name in slots  # type: ignore[operator]


def test_every_question_has_a_first_and_a_second_wording() -> None:
    for question in QUESTIONS:
        first, _ = messages.question(question.slot)
        again, buttons = messages.question_again(question.slot)
        assert first and again and again != first, question.slot
        assert buttons, f"{question.slot}: the second ask needs buttons"


def test_flow_views_are_derived_from_the_registry() -> None:
    assert tuple(q.slot for q in QUESTIONS) == flow.FORM_SLOTS
    assert {q.slot for q in QUESTIONS if q.required} == flow.REQUIRED_SLOTS
    assert "medical_history" in clinical_text_slots()
    assert "patient_name" not in clinical_text_slots()
    assert {"body_regions", "symptoms"} <= side_fill_slots()
    assert "medications" not in side_fill_slots()
