"""The form's questions, one clear question at a time.

``validate_intake_form`` asks the next question itself, in the same call that
read the answer: one action-server round trip per patient message instead of
two. Texts and quick replies come from ``actions/intake/messages.yml``; the
summary question reads back every answer plus the clinical suggestions first.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions import clinical
from actions.intake import answers, flow, messages, readback


def ask_for(
    slot: str, slots: dict[str, Any], dispatcher: CollectingDispatcher, *, times: int = 1
) -> None:
    """Send the question for ``slot`` with its quick replies.

    ``times`` is how many times in a row it is asked now: the second time the
    question comes put another way, with an example and buttons.
    """
    if slot == flow.URGENCY_SLOT:
        slot = flow.urgency_question(slots)
    if times >= 2 and not (slot == "summary_confirmed" and slots.get("correction_pending")):
        text, buttons = messages.question_again(slot)
        dispatcher.utter_message(text=text, buttons=buttons)
        return
    if slot != "summary_confirmed":
        text, buttons = messages.question(slot)
        dispatcher.utter_message(text=text, buttons=buttons)
        return
    if slots.get("correction_pending"):
        dispatcher.utter_message(
            text=messages.text("summary.ask_what"), buttons=_field_buttons(slots)
        )
        return
    assessment = clinical.assess(answers.intake_answers(slots), known=answers.form_values(slots))
    dispatcher.utter_message(text=readback.readback(slots, assessment))
    text, buttons = messages.question("summary_confirmed")
    dispatcher.utter_message(text=text, buttons=buttons)


def _field_buttons(slots: dict[str, Any]) -> list[dict[str, str]]:
    fields = [s for s in flow.remaining_slots(slots) if s in flow.SLOT_LABELS]
    skipped = [s for s in slots.get("skipped_slots") or [] if s in flow.SLOT_LABELS]
    return [
        {"title": flow.SLOT_LABELS[s], "payload": flow.SLOT_LABELS[s]} for s in fields + skipped
    ]
