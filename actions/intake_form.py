"""``validate_intake_form``: reads each patient message while the intake form runs.

Answer first: every message is screened for danger signs, then read as the
answer to the open question before anything else. Only what is plainly not an
answer diverts it: a request ("start over", "a person", "skip") goes to a rule;
a question is answered here and the answer part, if any, is kept. No question
is asked more than twice in a row: the second time with an example and buttons,
after that the answer is kept as written, marked unclear, and the form moves on.
The decisions are pure functions in ``actions.intake``.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clinical
from actions.ask import ask_for
from actions.clinic import clinic_values
from actions.conversation_state import (
    Message,
    answering_now,
    earlier_patient_texts,
    latest_message,
    slots_of,
    today,
)
from actions.intake import answers, corrections, flow, messages, parsing
from actions.intake.reading import RULE_REPLY_INTENTS, Reading, read_message
from actions.questions import side_fill_slots

# Slots a free message may fill on the side ("I'm Maria, 42, ..."): the ones with
# precise patterns (the registry's ``side_fill``). History and medicines are only
# taken when asked for.
_SIDE_FILLS = side_fill_slots()
#: Below this confidence the FAQ answer the NLU picked is not trusted.
FAQ_CONFIDENCE = 0.5


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
        updates: dict[str, Any] = {}
        answered_text = ""
        if answering_now(tracker):
            # Every message is screened first, whatever else it is.
            screened = clinical.screen(message.text)
            stop = _emergency_stop(screened, slots)
            if stop is not None:
                updates = stop
            elif requested:
                read = _read_answer(requested, message, slots, tracker, dispatcher, screened)
                if read is None:
                    return []  # a request: the form is rejected and a rule replies
                updates, answered_text = read
                updates.update(_urgency_updates(screened, slots, updates))
        slots.update(updates)
        if flow.checklist_due(slots):
            updates["urgency_pending"] = slots["urgency_pending"] = dict(flow.CHECKLIST_PENDING)
        updates.update(_ask_next(slots, answered_text, dispatcher))
        return [SlotSet(name, value) for name, value in updates.items()]


# --- danger screen ----------------------------------------------------------------


def _emergency_stop(screened: dict[str, Any], slots: dict[str, Any]) -> dict[str, Any] | None:
    """Slot updates that stop the intake when a message shows an emergency sign."""
    found = [f for f in screened["red_flags"] if f["level"] == "emergency"]
    if not found:
        return None
    flags = flow.merge_red_flags(slots.get("red_flags") or [], found)
    return {"red_flags": flags, "triage_level": "emergency", "urgency_pending": None}


def _urgency_updates(
    screened: dict[str, Any], slots: dict[str, Any], updates: dict[str, Any]
) -> dict[str, Any]:
    """Flags the screen raised, and the urgency question when it is not sure."""
    consented = slots.get("consent") is True or updates.get("consent") is True
    result: dict[str, Any] = {}
    if consented and screened["red_flags"]:
        result.update(_triage({**slots, **updates}, screened["red_flags"]))
    asks = screened.get("ask_if_now") or []
    if asks and not slots.get("urgency_pending"):
        result["urgency_pending"] = dict(asks[0])
    return result


def _read_urgency_reply(
    message: Message, slots: dict[str, Any], screened: dict[str, Any]
) -> tuple[dict[str, Any], str] | None:
    """The patient's yes/no to "is this happening right now?" (None: unclear).

    To the checklist, a sign's button (or a sign the screen is unsure about, described
    in words) is that sign happening now.
    """
    pending = slots.get("urgency_pending") or {}
    if pending.get("question") == "checklist":
        sign = messages.checklist_flag(message.text)
        unsure = screened.get("ask_if_now") or []
        if sign is None and unsure:
            sign = str(unsure[0]["flag"])
        if sign is not None:
            evidence = f"{message.text} (safety checklist)"
            chosen = {**pending, "flag": sign, "evidence": evidence}
            return _resolve_urgency(chosen, now=True, slots=slots), message.text
    answer = answers.yes_no(message.text, message.intent)
    if answer is None:
        return None
    return _resolve_urgency(pending, now=answer, slots=slots), message.text


def _resolve_urgency(
    pending: dict[str, Any], *, now: bool, slots: dict[str, Any]
) -> dict[str, Any]:
    """Yes: the emergency stop. No: the review flag (if the sign has one); the intake goes on."""
    updates: dict[str, Any] = {"urgency_pending": None, "urgency_check": now}
    flag_id = pending.get("flag") if now else pending.get("otherwise", "heart_condition")
    if not flag_id and not now:
        return updates  # e.g. "no" to the safety question: nothing to flag
    flag = clinical.red_flag(str(flag_id or "heart_condition"), str(pending.get("evidence") or ""))
    if now:
        flags = flow.merge_red_flags(slots.get("red_flags") or [], [flag])
        updates.update({"red_flags": flags, "triage_level": "emergency"})
        return updates
    updates.update(_triage(slots, [flag]))
    return updates


# --- reading the answer -----------------------------------------------------------


def _read_answer(
    requested: str,
    message: Message,
    slots: dict[str, Any],
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    screened: dict[str, Any],
) -> tuple[dict[str, Any], str] | None:
    """(slot updates, the text kept as the answer) for this message; None to divert it."""
    if requested == flow.URGENCY_SLOT:
        reply = _read_urgency_reply(message, slots, screened)
        return reply if reply is not None else ({}, message.text)
    if requested == "summary_confirmed":
        summary = _read_summary_reply(message, slots)
        return None if summary is None else (summary, message.text)
    reading = read_message(message.text, intent=message.intent, confidence=message.confidence)
    if reading.request is not None:
        return (
            None if reading.request == message.intent else _own_request(reading, requested, slots)
        )
    found = (
        answers.interpret(requested, reading.answer, intent=message.intent, today=today())
        if reading.answer
        else None
    )
    if found is not None and found.accepted:
        updates = _accepted(requested, found, reading, slots, tracker)
        if reading.question:
            _answer_question(reading, tracker, requested, dispatcher)
        return updates, reading.answer
    if reading.question:
        _answer_question(reading, tracker, requested, dispatcher)
        return {}, ""
    if not reading.answer or parsing.looks_like_gibberish(message.text):
        return _misunderstood(requested, slots, dispatcher), message.text
    confident = message.confidence >= flow.INTERRUPTION_CONFIDENCE
    if message.intent == "faq" and confident:
        _answer_question(reading, tracker, requested, dispatcher)  # "prices" at the age question
        return {}, ""
    if message.intent in RULE_REPLY_INTENTS and confident:
        return None  # "hello", "thanks", "are you a bot?" to a question they don't answer
    problem = found.problem if found is not None else None
    return _reask(requested, problem, slots, dispatcher), reading.answer


def _own_request(
    reading: Reading, requested: str, slots: dict[str, Any]
) -> tuple[dict[str, Any], str] | None:
    """A request the NLU did not name: skip here; anything else the rules handle."""
    if reading.request == "ask_skip" and flow.is_skippable(requested):
        return {"skipped_slots": [*(slots.get("skipped_slots") or []), requested]}, ""
    return None


def _accepted(
    requested: str,
    found: answers.Interpretation,
    reading: Reading,
    slots: dict[str, Any],
    tracker: Tracker,
) -> dict[str, Any]:
    """Slot updates for an accepted answer, plus what the message volunteered."""
    updates: dict[str, Any] = dict(found.slots)
    flags = list(found.red_flags)
    if requested == "consent" and found.slots["consent"] is True:
        # Only now may earlier messages ("I'm Maria, 42, ...") be kept.
        for text in earlier_patient_texts(tracker):
            extra = answers.volunteered(text, today=today())
            _fill_empty(updates, extra.slots, slots)
            flags.extend(extra.red_flags)
    elif requested != "consent":
        extra = answers.volunteered(reading.answer, today=today())
        _fill_empty(updates, extra.slots, slots)
        flags.extend(extra.red_flags)
    updates.update(_triage({**slots, **updates}, flags))
    if slots.get("misunderstandings"):
        updates["misunderstandings"] = 0
    return updates


def _answer_question(
    reading: Reading, tracker: Tracker, requested: str, dispatcher: CollectingDispatcher
) -> None:
    """Answer the question part of a message: an FAQ, "why?", or where to ask instead."""
    latest: dict[str, Any] = tracker.latest_message or {}
    intent = str((latest.get("intent") or {}).get("name") or "")
    if intent == "ask_why":
        dispatcher.utter_message(text=messages.why(requested))
        return
    if intent == "bot_challenge":
        dispatcher.utter_message(response="utter_bot_challenge")
        return
    faq = _faq_answer(latest)
    if faq:
        dispatcher.utter_message(text=faq)
        return
    dispatcher.utter_message(text=messages.text("question.unknown", **clinic_values()))


def _faq_answer(latest: dict[str, Any]) -> str | None:
    """The FAQ answer the NLU's response selector picked, when it is confident enough."""
    selector = (latest.get("response_selector") or {}).get("faq") or {}
    response = selector.get("response") or {}
    try:
        confidence = float(response.get("confidence") or 0.0)
    except (TypeError, ValueError):
        return None
    texts = [str(r.get("text")) for r in response.get("responses") or [] if r.get("text")]
    return texts[0] if texts and confidence >= FAQ_CONFIDENCE else None


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
    """Say what went wrong; the question follows (put another way the second time)."""
    dispatcher.utter_message(text=messages.invalid(slot, problem))
    return {slot: None}


def _misunderstood(
    slot: str, slots: dict[str, Any], dispatcher: CollectingDispatcher
) -> dict[str, Any]:
    """Keyboard mash and the like: a short apology; the question follows."""
    count = int(slots.get("misunderstandings") or 0) + 1
    dispatcher.utter_message(text=messages.text("misunderstood.first"))
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
        updates = {
            **reply.updates,
            "summary_confirmed": None,
            "correction_pending": False,
            "ask_streak": None,  # a real correction: the read-back comes fresh
        }
        updates.update(_triage(slots, reply.red_flags))
        return updates
    if reply.reask:
        skipped = [s for s in slots.get("skipped_slots") or [] if s != reply.reask]
        unclear = {
            k: v for k, v in (slots.get("unclear_answers") or {}).items() if k != reply.reask
        }
        return {
            reply.reask: None,
            "skipped_slots": skipped,
            "unclear_answers": unclear,
            "summary_confirmed": None,
            "correction_pending": False,
            "ask_streak": None,
        }
    # A plain "no" (or nothing usable): ask what to change, with field buttons. This is
    # the same question asked again, so it counts towards the two-in-a-row limit.
    return {"summary_confirmed": None, "correction_pending": True}


# --- asking the next question (never a third time in a row) ----------------------


def _ask_next(
    slots: dict[str, Any], answered_text: str, dispatcher: CollectingDispatcher
) -> dict[str, Any]:
    """Choose and ask the next question; close a question already asked twice.

    Returns the slot updates (``requested_slot``, ``ask_streak`` and whatever
    closing a question sets). Bounded: each pass closes one question for good.
    """
    updates: dict[str, Any] = {}
    for _ in range(len(flow.FORM_SLOTS) + 2):
        slot = flow.next_question(slots)
        times = flow.times_in_a_row(slots.get("ask_streak"), slot)
        if slot is None or times <= flow.MAX_ASKS_IN_A_ROW:
            break
        closing = _close_question(slot, answered_text, slots)
        slots.update(closing)
        updates.update(closing)
        if slot not in ("consent", flow.URGENCY_SLOT):
            key = "moved_on.noted" if answered_text.strip() else "moved_on.no_answer"
            dispatcher.utter_message(text=messages.text(key))
            dispatcher.utter_message(text=messages.text("moved_on.person"))
        answered_text = ""
    slot = flow.next_question(slots)
    times = flow.times_in_a_row(slots.get("ask_streak"), slot)
    updates["requested_slot"] = slot
    updates["ask_streak"] = {"slot": slot, "count": times} if slot else None
    if slot:
        ask_for(slot, slots, dispatcher, times=times)
    return updates


def _close_question(slot: str, text: str, slots: dict[str, Any]) -> dict[str, Any]:
    """Slot updates that close ``slot`` after two tries (see :func:`flow.give_up_value`)."""
    if slot == flow.URGENCY_SLOT:
        # No clear answer to "is it happening now?": the more cautious reading.
        return _resolve_urgency(slots.get("urgency_pending") or {}, now=True, slots=slots)
    closing = flow.give_up_value(slot)
    if slot != "consent":
        unclear = dict(slots.get("unclear_answers") or {})
        unclear[slot] = answers.clean_text(text) or "(no answer)"
        closing["unclear_answers"] = unclear
    closing["ask_streak"] = None
    return closing
