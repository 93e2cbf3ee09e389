"""``action_submit_intake``: ends the intake (confirmed, declined or emergency stop)."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.clinic import clinic_values
from actions.conversation import emergency_reply
from actions.conversation_state import slots_of
from actions.intake import messages
from actions.intake.summary import flag_names
from actions.referral import summary_from_tracker
from actions.storage import SummaryNotSavedError, store_summary
from bot.rasa_plugins import FORGET_SLOT

logger = logging.getLogger(__name__)


class SubmitIntake(Action):
    """Thanks the patient and hands the referral summary to the clinic."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_submit_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say goodbye for the way the intake ended; keep nothing when consent was declined."""
        slots = slots_of(tracker)
        if slots.get("consent") is False and slots.get("triage_level") != "emergency":
            dispatcher.utter_message(text=messages.text("submit.declined", **clinic_values()))
            # Rasa's tracker store deletes the conversation instead of saving it.
            return [AllSlotsReset(), SlotSet(FORGET_SLOT, True)]

        summary = summary_from_tracker(tracker)
        flags = summary["triage"]["red_flags"]
        if summary["triage"]["level"] == "emergency":
            # The patient is told to seek care first; then staff are alerted through
            # a partial intake (kept even before consent: duty of care).
            for text in emergency_reply([f for f in flags if f["level"] == "emergency"]):
                dispatcher.utter_message(text=text)
            with contextlib.suppress(SummaryNotSavedError):  # logged; advice already given
                store_summary(summary, partial=True, needs_staff=True)
            logger.info("intake stopped for an emergency: conversation %s", tracker.sender_id)
            return [SlotSet("intake_status", "emergency")]

        try:
            reference = store_summary(
                summary, partial=False, needs_staff=bool(slots.get("handoff_requested"))
            )
        except SummaryNotSavedError:
            dispatcher.utter_message(text=messages.text("submit.not_saved", **clinic_values()))
            return []
        _thank(dispatcher, summary, reference)
        logger.info("intake %s completed: conversation %s", reference, tracker.sender_id)
        return [SlotSet("intake_status", "complete")]


def _thank(dispatcher: CollectingDispatcher, summary: dict[str, Any], reference: str) -> None:
    values = clinic_values()
    first_name = str(summary["patient"]["name"] or "").split(" ")[0]
    name = f", {first_name}" if first_name else ""
    dispatcher.utter_message(text=messages.text("submit.done", name=name, **values))
    dispatcher.utter_message(text=messages.text("submit.reference", reference=reference))
    flags = summary["triage"]["red_flags"]
    clearance = flag_names(flags, "physician_clearance")
    if clearance:
        dispatcher.utter_message(
            text=messages.text("submit.done_clearance", reasons=", ".join(clearance))
        )
    caution = [n for n in flag_names(flags, "caution") if n != "minor"]
    if caution:
        dispatcher.utter_message(
            text=messages.text("submit.done_caution", reasons=", ".join(caution))
        )
    if any(f["id"] == "minor" for f in flags):
        dispatcher.utter_message(text=messages.text("submit.minor"))
