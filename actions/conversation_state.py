"""Small read-only views of a rasa-sdk Tracker used by every intake action."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

# Actions that run as part of the form itself, not as a reply to an interruption.
_FORM_STEPS = frozenset({"intake_form", "action_listen", "validate_intake_form"})
_FRESH_START = frozenset({"session_started", "restart", "reset_slots"})


@dataclass(frozen=True)
class Message:
    """The latest patient message as the actions need it."""

    text: str
    intent: str | None
    confidence: float


def latest_message(tracker: Tracker) -> Message:
    """Text, intent and confidence of the latest patient message (empty when none)."""
    latest: dict[str, Any] = tracker.latest_message or {}
    intent: dict[str, Any] = latest.get("intent") or {}
    name = intent.get("name")
    return Message(
        text=str(latest.get("text") or ""),
        intent=str(name) if name else None,
        confidence=float(intent.get("confidence") or 0.0),
    )


def answering_now(tracker: Tracker) -> bool:
    """True when the form runs straight after a patient message.

    False when it resumes after an interruption was answered ("why?", an FAQ),
    in which case the latest message is not an answer to the open question.
    """
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return True
        if kind == "action" and event.get("name") not in _FORM_STEPS:
            return False
    return False


def earlier_patient_texts(tracker: Tracker) -> list[str]:
    """Every patient message of this session before the latest one, oldest first."""
    texts: list[str] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind in _FRESH_START:
            texts = []  # nothing said before a new session or "start over" carries over
        elif kind == "user":
            texts.append(str(event.get("text") or ""))
    return texts[:-1]


def slots_of(tracker: Tracker) -> dict[str, Any]:
    """A copy of the tracker's slots."""
    return dict(tracker.slots)


def today() -> datetime.date:
    """The date answers such as "since March" are measured from."""
    return datetime.date.today()
