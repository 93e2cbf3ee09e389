"""Pure parsers for patients' intake answers (the public API of ``actions.intake``).

Every function accepts any ``str`` (empty, emoji, HTML, pasted pages, other languages)
and never raises: it returns ``None``, an empty collection, or a ``ParseResult`` whose
``problem`` says why no value came out. Only the first 2,000 characters are examined.
No rasa-sdk or spaCy here, so the form validators and the tests can use them directly.
"""

from __future__ import annotations

from actions.intake._answers import (
    GOALS,
    Insurance,
    parse_age,
    parse_contact,
    parse_goals,
    parse_insurance,
    parse_name,
    parse_pain_level,
    parse_pressure,
    parse_yes_no,
)
from actions.intake._duration import Duration, chronicity_for, parse_duration
from actions.intake._text import MAX_CHARS, ParseResult, looks_like_gibberish
from actions.intake._volunteered import find_volunteered

__all__ = [
    "GOALS",
    "MAX_CHARS",
    "Duration",
    "Insurance",
    "ParseResult",
    "chronicity_for",
    "find_volunteered",
    "looks_like_gibberish",
    "parse_age",
    "parse_contact",
    "parse_duration",
    "parse_goals",
    "parse_insurance",
    "parse_name",
    "parse_pain_level",
    "parse_pressure",
    "parse_yes_no",
]
