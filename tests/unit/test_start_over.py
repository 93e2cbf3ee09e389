""" "Start over" typed again and again never asks for consent a third time in a row."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import StartOver


def start_over(slots: dict[str, Any]) -> list[dict[str, Any]]:
    tracker = Tracker("unit-test", slots, {"text": "start over"}, [], False, None, None, "")
    return asyncio.run(StartOver().run(CollectingDispatcher(), tracker, {}))


def test_start_over_mid_intake_forgets_everything() -> None:
    events = start_over({"ask_streak": {"slot": "age", "count": 1}, "age": None})
    assert events == [AllSlotsReset()]


def test_start_over_at_the_consent_question_keeps_counting_its_asks() -> None:
    streak = {"slot": "consent", "count": 2}
    assert start_over({"ask_streak": streak}) == [AllSlotsReset(), SlotSet("ask_streak", streak)]
