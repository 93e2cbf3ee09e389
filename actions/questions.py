"""The intake's questions, one record each: the single registry the form is built on.

Everything that used to be restated in lists across the code (the contract's
order, which questions are required, their plain labels, which answers the
clinical engine reads, which may be filled from a message answering another
question, which derived slots each one sets) is a field of one
:class:`Question`. Pure data, no imports from the rest of the package, so the
clinical engine, the form and the store can all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "QUESTIONS",
    "QUESTION_BY_SLOT",
    "Question",
    "clinical_text_slots",
    "side_fill_slots",
]


@dataclass(frozen=True)
class Question:
    """One intake question (a form slot of the intake contract, section 1)."""

    slot: str
    #: Plain name for read-backs, corrections and "which questions are required" ("" = none).
    label: str
    #: Needed to book safely: cannot be skipped.
    required: bool
    #: The clinical engine screens and scores this answer's text.
    clinical_text: bool = False
    #: Any non-empty text that is not a question answers it (no parser can refuse it).
    free_text: bool = False
    #: May be filled from a message that answers another question ("I'm Maria, 42").
    side_fill: bool = False
    #: Derived slots this answer sets besides its own.
    fills: tuple[str, ...] = ()


#: The contract's order (intake-contract.md, section 1).
QUESTIONS: Final[tuple[Question, ...]] = (
    Question("consent", "", required=True),
    Question("patient_name", "Name", required=True, side_fill=True),
    Question("age", "Age", required=True, side_fill=True),
    Question("contact", "Contact", required=True, side_fill=True),
    Question(
        "chief_complaint",
        "Main problem",
        required=True,
        clinical_text=True,
        free_text=True,
        side_fill=True,
        fills=("body_regions", "symptoms"),
    ),
    Question("pain_level", "Pain level", required=True, side_fill=True),
    Question(
        "pain_duration",
        "How long",
        required=False,
        clinical_text=True,
        side_fill=True,
        fills=("duration_days", "chronicity"),
    ),
    Question(
        "onset_cause",
        "What started it",
        required=False,
        clinical_text=True,
        free_text=True,
        fills=("onset_text",),
    ),
    Question("diagnosis", "Doctor's diagnosis", required=False, clinical_text=True, free_text=True),
    Question("physician_referral", "Referral", required=False),
    Question("referring_physician", "Referring doctor", required=False, free_text=True),
    Question(
        "medical_history", "Health conditions", required=True, clinical_text=True, free_text=True
    ),
    Question(
        "medications",
        "Medicines",
        required=True,
        clinical_text=True,
        free_text=True,
        fills=("medication_list",),
    ),
    Question(
        "goals", "Goals", required=False, clinical_text=True, free_text=True, fills=("goals_text",)
    ),
    Question("pressure_preference", "Pressure", required=False),
    Question("insurance", "Insurance", required=False, free_text=True),
    Question("summary_confirmed", "", required=True),
)

QUESTION_BY_SLOT: Final[dict[str, Question]] = {q.slot: q for q in QUESTIONS}


def clinical_text_slots() -> frozenset[str]:
    """The answers whose text the clinical engine reads."""
    return frozenset(q.slot for q in QUESTIONS if q.clinical_text)


def side_fill_slots() -> frozenset[str]:
    """Slots a message answering another question may fill, with their derived slots."""
    return frozenset(name for q in QUESTIONS if q.side_fill for name in (q.slot, *q.fills))
