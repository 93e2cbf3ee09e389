"""``action_submit_intake``: ends the intake (confirmed, declined or emergency stop)."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clinical
from actions.clinic import clinic_values
from actions.conversation import emergency_reply
from actions.conversation_state import slots_of
from actions.intake import answers, messages
from actions.intake.summary import build_summary, flag_names

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
            return [AllSlotsReset()]

        assessment = clinical.assess(answers.intake_answers(slots))
        summary = build_summary(
            conversation_id=tracker.sender_id,
            slots=slots,
            assessment=assessment,
            now=datetime.datetime.now(datetime.timezone.utc),
        )
        flags = summary["triage"]["red_flags"]
        if summary["triage"]["level"] == "emergency":
            for text in emergency_reply([f for f in flags if f["level"] == "emergency"]):
                dispatcher.utter_message(text=text)
            logger.info("intake stopped for an emergency: conversation %s", tracker.sender_id)
            return [SlotSet("intake_status", "emergency")]

        _thank(dispatcher, summary)
        logger.info("intake completed: conversation %s", tracker.sender_id)
        return [SlotSet("intake_status", "complete")]


def _thank(dispatcher: CollectingDispatcher, summary: dict[str, Any]) -> None:
    values = clinic_values()
    first_name = str(summary["patient"]["name"] or "").split(" ")[0]
    name = f", {first_name}" if first_name else ""
    dispatcher.utter_message(text=messages.text("submit.done", name=name, **values))
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
