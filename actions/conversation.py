"""Replies to what a patient may say around the intake questions.

"Why do you need this?", "can I skip this?", "start over", "talk to a person",
messages we could not understand, and messages that sound like an emergency.
"""

from __future__ import annotations

import contextlib
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clinical
from actions.clinic import clinic_values
from actions.conversation_state import latest_message, slots_of
from actions.intake import flow, messages
from actions.referral import summary_from_tracker
from actions.storage import SummaryNotSavedError, store_summary, stored_reference


def _open_question(tracker: Tracker) -> str | None:
    if tracker.active_loop_name != "intake_form":
        return None
    slot = tracker.get_slot("requested_slot")
    return str(slot) if slot else None


class ExplainWhy(Action):
    """Says why the open question is asked."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_explain_why"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Reply with the reason for the open question (or a general one)."""
        dispatcher.utter_message(text=messages.why(_open_question(tracker)))
        return []


class SkipQuestion(Action):
    """Skips an optional question; explains which questions are required."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_skip_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Skip the open question when it is optional."""
        slot = _open_question(tracker)
        if slot is None:
            dispatcher.utter_message(text=messages.text("skip.nothing"))
            return []
        if not flow.is_skippable(slot):
            required = ", ".join(flow.required_questions()).lower()
            dispatcher.utter_message(text=messages.text("skip.required", required=required))
            return []
        skipped = [*(tracker.get_slot("skipped_slots") or []), slot]
        dispatcher.utter_message(text=messages.text("skip.skipped"))
        return [SlotSet("skipped_slots", skipped), SlotSet("misunderstandings", 0)]


class StartOver(Action):
    """Forgets every answer and starts the intake again from consent."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_start_over"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Reset all slots; the rule then runs the form, which asks for consent again.

        "Start over" typed again at the consent question learns nothing new, so the
        count of consent asks carries over: no question comes a third time in a row.
        """
        dispatcher.utter_message(text=messages.text("start_over"))
        streak = tracker.get_slot("ask_streak")
        if flow.times_in_a_row(streak, "consent") > 1:
            return [AllSlotsReset(), SlotSet("ask_streak", streak)]
        return [AllSlotsReset()]


class IntakeAlreadySent(Action):
    """Answers "start over" once the intake is stored: this chat keeps the intake it sent.

    Starting over would collect a second intake that the store (one intake per
    conversation) could not keep, so the patient is pointed to a new chat instead
    (the widget and the terminal chat start one for the ``#new-chat`` button).
    """

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_intake_already_sent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say the answers are with the clinic (with the reference when it can be read)."""
        reference = stored_reference(tracker.sender_id)
        dispatcher.utter_message(
            text=messages.text(
                "already_sent",
                reference=messages.text("already_sent.reference", reference=reference)
                if reference
                else "",
                **clinic_values(),
            ),
            buttons=messages.buttons("already_sent"),
        )
        return []


class Handoff(Action):
    """Gives the clinic's contact route and marks the conversation for staff."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Reply with how to reach a person; flag the conversation."""
        dispatcher.utter_message(text=messages.text("handoff.text", **clinic_values()))
        if tracker.get_slot("consent") is True:
            # Staff see the request even if the patient leaves now; the final
            # submit replaces this partial intake.
            with contextlib.suppress(SummaryNotSavedError):  # logged; contact details given
                store_summary(summary_from_tracker(tracker), partial=True, needs_staff=True)
        if _open_question(tracker):
            dispatcher.utter_message(text=messages.text("handoff.continue"))
        return [SlotSet("handoff_requested", True), SlotSet("misunderstandings", 0)]


class HandleMisunderstanding(Action):
    """Says it did not understand; from the second time on, offers buttons and a person."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_handle_misunderstanding"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Reply without looping: the same apology never repeats twice in a row."""
        count = int(tracker.get_slot("misunderstandings") or 0) + 1
        slot = _open_question(tracker)
        text, buttons = messages.misunderstood(
            count, slot, skippable=bool(slot and flow.is_skippable(slot))
        )
        dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet("misunderstandings", count)]


class CoreFallback(HandleMisunderstanding):
    """What the dialogue does when no rule fits: the same reply, then wait for the patient.

    Reverting the message (as Rasa's own default fallback does) hands the turn
    back to the patient, so an unexpected state can never loop.
    """

    def name(self) -> str:
        """The action's name in the domain (``core_fallback_action_name`` in config.yml)."""
        return "action_core_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Apologise (buttons from the second time on) and revert the unplaced message."""
        events = await super().run(dispatcher, tracker, domain)
        return [UserUtteranceReverted(), *events]


def emergency_reply(flags: list[dict[str, Any]]) -> list[str]:
    """The "seek care now" messages for emergency red flags (crisis line for self-harm)."""
    values = clinic_values()
    texts: list[str] = []
    if any(f["id"] == "self_harm" for f in flags):
        texts.append(messages.text("emergency.self_harm", **values))
    others = [f for f in flags if f["id"] != "self_harm"]
    if others:
        evidence = "; ".join(str(f.get("evidence") or f["id"]) for f in others)
        texts.append(messages.text("emergency.stop", evidence=evidence, **values))
    texts.append(messages.text("emergency.staff"))
    return texts


class EmergencyCheck(Action):
    """Runs when a message sounds like an emergency (or after an emergency stop)."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_emergency_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Stop with "seek care now" when the engine finds an emergency; else advise caution."""
        slots = slots_of(tracker)
        found = [
            f
            for f in clinical.analyze(latest_message(tracker).text)["red_flags"]
            if f["level"] == "emergency"
        ]
        if found:
            for text in emergency_reply(found):
                dispatcher.utter_message(text=text)
            flags = flow.merge_red_flags(slots.get("red_flags") or [], found)
            return [
                SlotSet("red_flags", flags),
                SlotSet("triage_level", "emergency"),
                SlotSet("intake_status", "emergency"),
            ]
        key = "reminder" if slots.get("intake_status") == "emergency" else "caution"
        dispatcher.utter_message(text=messages.text(f"emergency.{key}", **clinic_values()))
        return []
