"""Ids fixed by the intake contract (section 2): the catalogue must define every one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, get_args

from actions.clinical.models import Onset

EMERGENCY_LEVEL: Final = "emergency"
CLEARANCE_LEVEL: Final = "physician_clearance"
CAUTION_LEVEL: Final = "caution"
ROUTINE_LEVEL: Final = "routine"

#: Triage levels, most urgent first.
TRIAGE_LEVELS: Final[tuple[str, ...]] = (
    EMERGENCY_LEVEL,
    CLEARANCE_LEVEL,
    CAUTION_LEVEL,
    ROUTINE_LEVEL,
)

SIDES: Final[tuple[str, ...]] = ("left", "right", "both")

# The contract's onset causes, derived from the catalogue model's type so they cannot drift.
ONSET_CATEGORIES: Final[tuple[str, ...]] = get_args(Onset)

CHRONICITIES: Final[tuple[str, ...]] = ("acute", "subacute", "chronic")

REGION_IDS: Final[frozenset[str]] = frozenset(
    {
        "head",
        "jaw",
        "neck",
        "shoulder",
        "upper_back",
        "lower_back",
        "chest",
        "abdomen",
        "arm",
        "elbow",
        "wrist_hand",
        "hip",
        "buttock",
        "leg",
        "knee",
        "ankle_foot",
        "whole_body",
    }
)

#: Condition id -> the contract's base ICD-10-CM code.
CONDITION_CODES: Final[dict[str, str]] = {
    "carpal_tunnel_syndrome": "G56.00",
    "thoracic_outlet_syndrome": "G54.0",
    "fibromyalgia": "M79.7",
    "arthritis": "M19.90",
    "sciatica": "M54.30",
    "tension_headache": "G44.209",
    "muscle_spasm": "M62.838",
    "low_back_pain": "M54.50",
    "neck_pain": "M54.2",
    "whiplash": "S13.4XXA",
    "sports_injury": "",  # "by region": any valid code
    "post_surgical_rehab": "Z48.89",
    "scar_tissue": "L90.5",
    "stress_tension": "Z73.3",
    "myofascial_pain": "M79.18",
    "frozen_shoulder": "M75.00",
    "plantar_fasciitis": "M72.2",
    "tmj_disorder": "M26.609",
}

#: Technique id -> CPT code the contract suggests first.
TECHNIQUE_CODES: Final[dict[str, str]] = {
    "swedish_massage": "97124",
    "deep_tissue_massage": "97124",
    "myofascial_release": "97140",
    "trigger_point_therapy": "97140",
    "neuromuscular_therapy": "97140",
    "lymphatic_drainage": "97140",
    "sports_massage": "97124",
    "stretching": "97140",
}

#: Red flag id -> its minimum triage level.
RED_FLAG_LEVELS: Final[dict[str, str]] = {
    "chest_pain": EMERGENCY_LEVEL,
    "shortness_of_breath": EMERGENCY_LEVEL,
    "stroke_signs": EMERGENCY_LEVEL,
    "cauda_equina": EMERGENCY_LEVEL,
    "major_trauma": EMERGENCY_LEVEL,
    "self_harm": EMERGENCY_LEVEL,
    "worst_headache": EMERGENCY_LEVEL,
    # Added (contract section 2 grows, never renames): a "yes" on the safety checklist
    # that does not say which sign.
    "reported_emergency": EMERGENCY_LEVEL,
    "fever_infection": CLEARANCE_LEVEL,
    "blood_clot": CLEARANCE_LEVEL,
    "recent_surgery": CLEARANCE_LEVEL,
    "cancer_treatment": CLEARANCE_LEVEL,
    "heart_condition": CLEARANCE_LEVEL,
    "recent_fracture": CLEARANCE_LEVEL,
    "unexplained_weight_loss": CLEARANCE_LEVEL,
    "progressive_neuro_deficit": CLEARANCE_LEVEL,
    "pregnancy": CAUTION_LEVEL,
    "anticoagulants": CAUTION_LEVEL,
    "osteoporosis": CAUTION_LEVEL,
    "skin_condition": CAUTION_LEVEL,
    "varicose_veins": CAUTION_LEVEL,
    "diabetes_neuropathy": CAUTION_LEVEL,
    "acute_inflammation": CAUTION_LEVEL,
    "minor": CAUTION_LEVEL,
}


def level_rank(level: str) -> int:
    """Position of ``level`` in :data:`TRIAGE_LEVELS` (0 = most urgent); unknown sorts last."""
    try:
        return TRIAGE_LEVELS.index(level)
    except ValueError:
        return len(TRIAGE_LEVELS)


def most_urgent(levels: Iterable[str]) -> str:
    """The most urgent of ``levels``; ``routine`` when there is none.

    Unknown names are ignored, so the answer is always a contract level.
    """
    known = [level for level in levels if level in TRIAGE_LEVELS]
    return min(known, key=level_rank, default=ROUTINE_LEVEL)
