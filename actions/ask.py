"""``action_ask_<slot>``: the form's questions, one clear question at a time.

Texts and quick replies come from ``actions/intake/messages.yml``. The summary
question reads back every answer plus the clinical suggestions first.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clinical
from actions.conversation_state import slots_of
from actions.intake import answers, flow, messages, readback


class AskForSlot(Action, ABC):
    """Asks the question for one slot; one subclass per slot (see ``_ask_action``)."""

    slot: str

    @abstractmethod
    def name(self) -> str:
        """``action_ask_<slot>``, the name Rasa's form looks up."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the question with its quick replies."""
        text, buttons = messages.question(self.slot)
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


def _ask_action(slot: str) -> type[AskForSlot]:
    def name(self: AskForSlot) -> str:
        return f"action_ask_{slot}"

    return type(f"AskFor_{slot}", (AskForSlot,), {"slot": slot, "name": name})


# One registered action per question (rasa-sdk registers every Action subclass).
ASK_ACTIONS = [_ask_action(slot) for slot in flow.FORM_SLOTS if slot != "summary_confirmed"]


class AskSummaryConfirmed(Action):
    """Reads the summary back and asks the patient to confirm or correct it."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_ask_summary_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the read-back (or, after a plain "no", ask what to change)."""
        slots = slots_of(tracker)
        if slots.get("correction_pending"):
            dispatcher.utter_message(
                text=messages.text("summary.ask_what"), buttons=_field_buttons(slots)
            )
            return []
        assessment = clinical.assess(answers.intake_answers(slots))
        dispatcher.utter_message(text=readback.readback(slots, assessment))
        text, buttons = messages.question("summary_confirmed")
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


def _field_buttons(slots: dict[str, Any]) -> list[dict[str, str]]:
    fields = [s for s in flow.remaining_slots(slots) if s in flow.SLOT_LABELS]
    skipped = [s for s in slots.get("skipped_slots") or [] if s in flow.SLOT_LABELS]
    return [
        {"title": flow.SLOT_LABELS[s], "payload": flow.SLOT_LABELS[s]} for s in fields + skipped
    ]
