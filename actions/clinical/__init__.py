"""The clinical engine: pure functions over a reviewable YAML catalogue (no rasa-sdk).

Entry points (intake contract, section 6):

- :func:`analyze` - one message -> regions, symptoms, red flags, triage level, conditions
- :func:`assess` - all intake answers -> complaint, history, triage, suggestions
- :func:`classify_onset`, :func:`extract_medications`, :func:`describe_regions`

Nothing heavy happens at import: the catalogue and the spaCy pipeline are built on
first use.
"""

from __future__ import annotations

from actions.clinical.analysis import (
    FormValues,
    analyze,
    assess,
    classify_onset,
    describe_regions,
    extract_medications,
    red_flag,
    screen,
)
from actions.clinical.contract import (
    CAUTION_LEVEL,
    CLEARANCE_LEVEL,
    EMERGENCY_LEVEL,
    ONSET_CATEGORIES,
    ROUTINE_LEVEL,
    TRIAGE_LEVELS,
    level_rank,
    most_urgent,
)
from actions.clinical.loader import Catalogue, CatalogueError, default_catalogue, load_catalogue

__all__ = [
    "CAUTION_LEVEL",
    "CLEARANCE_LEVEL",
    "EMERGENCY_LEVEL",
    "ONSET_CATEGORIES",
    "ROUTINE_LEVEL",
    "TRIAGE_LEVELS",
    "Catalogue",
    "CatalogueError",
    "FormValues",
    "analyze",
    "assess",
    "classify_onset",
    "default_catalogue",
    "describe_regions",
    "extract_medications",
    "level_rank",
    "load_catalogue",
    "most_urgent",
    "red_flag",
    "screen",
]
