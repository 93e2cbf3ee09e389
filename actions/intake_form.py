"""``validate_intake_form``: reads each patient message while the intake form runs.

Every message is first screened for danger signs. Then it is read as the answer
to the open question (plus anything else it volunteers), or rejected so that a
rule answers the interruption ("why?", an FAQ, "talk to a person") and the form
asks again. The decisions are pure functions in ``actions.intake``.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clinical
from actions.ask import ask_for
from actions.conversation_state import (
    Message,
    answering_now,
    earlier_patient_texts,
    latest_message,
    slots_of,
    today,
)
from actions.intake import answers, corrections, flow, messages, parsing

# Slots a free message may fill on the side ("I'm Maria, 42, ..."): the ones with
# precise patterns. History and medicines are only taken when asked for.
_SIDE_FILLS = frozenset(
    {
        "patient_name",
        "age",
        "contact",
        "chief_complaint",
        "body_regions",
        "symptoms",
        "pain_level",
        "pain_duration",
        "duration_days",
        "chronicity",
    }
)


class ValidateIntakeForm(Action):
    """Fills and validates the intake form's slots from each patient message."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_intake_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Return the slot events for this message (and ask the next question),
        or [] to let a rule handle the message."""
        slots = slots_of(tracker)
        message = latest_message(tracker)
        requested = slots.get("requested_slot")
        # Every message is screened first, whatever else it is.
        updates = _screen_for_emergency(message, slots)
        if updates is None and not answering_now(tracker):
            updates = {}  # starting, or back from an interruption: ask (again)
        if updates is None and requested:
            updates = _read_answer(requested, message, slots, tracker, dispatcher)
            if updates is None:
                return []  # not an answer: the form is rejected and a rule replies
        updates = updates or {}
        slots.update(updates)
        next_slot = flow.next_question(slots)
        updates["requested_slot"] = next_slot
        if next_slot:
            ask_for(next_slot, slots, dispatcher)
        return [SlotSet(name, value) for name, value in updates.items()]


def _screen_for_emergency(message: Message, slots: dict[str, Any]) -> dict[str, Any] | None:
    """Slot updates that stop the intake when a message shows an emergency sign."""
    found = [f for f in clinical.analyze(message.text)["red_flags"] if f["level"] == "emergency"]
    if not found:
        return None
    flags = flow.merge_red_flags(slots.get("red_flags") or [], found)
    return {"red_flags": flags, "triage_level": "emergency"}


def _read_answer(
    requested: str,
    message: Message,
    slots: dict[str, Any],
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
) -> dict[str, Any] | None:
    """Slot updates for an answer to ``requested``; None when it is not an answer."""
    if requested == "summary_confirmed":
        return _read_summary_reply(message, slots)
    if parsing.looks_like_gibberish(message.text):
        return _misunderstood(requested, slots, dispatcher)
    found = answers.interpret(requested, message.text, intent=message.intent, today=today())
    if flow.is_interruption(message.intent, message.confidence, answer_fits=found.accepted):
        return None
    if not found.accepted:
        if message.intent == "nlu_fallback":
            return None  # gibberish or unclear: the misunderstanding rule replies
        return _reask(requested, found.problem, slots, dispatcher)

    updates: dict[str, Any] = dict(found.slots)
    flags = list(found.red_flags)
    if requested == "consent" and found.slots["consent"] is True:
        # Only now may earlier messages ("I'm Maria, 42, ...") be kept.
        for text in earlier_patient_texts(tracker):
            extra = answers.volunteered(text, today=today())
            _fill_empty(updates, extra.slots, slots)
            flags.extend(extra.red_flags)
    elif requested != "consent":
        extra = answers.volunteered(message.text, today=today())
        _fill_empty(updates, extra.slots, slots)
        flags.extend(extra.red_flags)
    updates.update(_triage(slots, flags))
    if slots.get("misunderstandings"):
        updates["misunderstandings"] = 0
    return updates


def _fill_empty(updates: dict[str, Any], extra: dict[str, Any], slots: dict[str, Any]) -> None:
    """Add volunteered values for questions not yet answered (never overwrite)."""
    for name, value in extra.items():
        if name in _SIDE_FILLS and slots.get(name) is None and name not in updates:
            updates[name] = value


def _triage(slots: dict[str, Any], new_flags: list[dict[str, Any]]) -> dict[str, Any]:
    if not new_flags:
        return {}
    flags = flow.merge_red_flags(slots.get("red_flags") or [], new_flags)
    return {"red_flags": flags, "triage_level": flow.most_urgent([f["level"] for f in flags])}


def _reask(
    slot: str, problem: str | None, slots: dict[str, Any], dispatcher: CollectingDispatcher
) -> dict[str, Any]:
    """Explain what went wrong; after repeated failures offer a way out too."""
    count = int(slots.get("misunderstandings") or 0) + 1
    _, buttons = messages.misunderstood(count, slot, skippable=flow.is_skippable(slot))
    dispatcher.utter_message(text=messages.invalid(slot, problem), buttons=buttons)
    return {slot: None, "misunderstandings": count}


def _misunderstood(
    slot: str, slots: dict[str, Any], dispatcher: CollectingDispatcher
) -> dict[str, Any]:
    """Keyboard mash and the like: apologise (buttons from the second time); ask again."""
    count = int(slots.get("misunderstandings") or 0) + 1
    text, buttons = messages.misunderstood(count, slot, skippable=flow.is_skippable(slot))
    dispatcher.utter_message(text=text, buttons=buttons)
    return {slot: None, "misunderstandings": count}


def _read_summary_reply(message: Message, slots: dict[str, Any]) -> dict[str, Any] | None:
    """A yes confirms; a correction updates a field or re-asks it; a plain no asks what."""
    reply = corrections.read_reply(
        message.text,
        intent=message.intent,
        today=today(),
        choosing_field=bool(slots.get("correction_pending")),
    )
    nothing_usable = not (reply.confirmed or reply.updates or reply.reask)
    if nothing_usable and flow.is_interruption(
        message.intent, message.confidence, answer_fits=False
    ):
        return None
    if reply.confirmed:
        return {"summary_confirmed": True, "correction_pending": False}
    if reply.updates:
        updates = {**reply.updates, "summary_confirmed": None, "correction_pending": False}
        updates.update(_triage(slots, reply.red_flags))
        return updates
    if reply.reask:
        skipped = [s for s in slots.get("skipped_slots") or [] if s != reply.reask]
        return {
            reply.reask: None,
            "skipped_slots": skipped,
            "summary_confirmed": None,
            "correction_pending": False,
        }
    return {"summary_confirmed": None, "correction_pending": True}
