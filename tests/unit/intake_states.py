"""Hand-built intake states shared by the intake unit tests."""

from __future__ import annotations

from typing import Any

#: Every question answered, in the contract's order (derived slots after their question).
FILLED: dict[str, Any] = {
    "consent": True,
    "patient_name": "Maria Lopez",
    "age": 42,
    "contact": "maria@example.com",
    "chief_complaint": "my lower back aches",
    "body_regions": [{"region": "lower_back", "side": None}],
    "symptoms": ["ache"],
    # "None of these" to the safety checklist, asked right after the main problem.
    "urgency_check": False,
    "pain_level": 6,
    "pain_duration": "3 weeks",
    "duration_days": 21,
    "chronicity": "acute",
    "onset_cause": "posture",
    "diagnosis": "none",
    "physician_referral": False,
    "medical_history": "none",
    "medications": "none",
    "goals": ["pain_relief"],
    "pressure_preference": "medium",
    "insurance": "self_pay",
}


def answered_before(slot: str) -> dict[str, Any]:
    """Slots with every question before ``slot`` answered (so ``slot`` is asked next)."""
    filled: dict[str, Any] = {}
    for name, value in FILLED.items():
        if name == slot:
            break
        filled[name] = value
    return filled
