"""The referral summary of a conversation as it stands (answers + clinical assessment)."""

from __future__ import annotations

import datetime
from typing import Any

from rasa_sdk import Tracker

from actions import clinical
from actions.conversation_state import slots_of
from actions.intake import answers
from actions.intake.summary import build_summary


def summary_from_tracker(tracker: Tracker) -> dict[str, Any]:
    """Build the contract's referral summary from the tracker's slots right now."""
    slots = slots_of(tracker)
    return build_summary(
        conversation_id=tracker.sender_id,
        slots=slots,
        assessment=clinical.assess(answers.intake_answers(slots), known=answers.form_values(slots)),
        now=datetime.datetime.now(datetime.timezone.utc),
    )
