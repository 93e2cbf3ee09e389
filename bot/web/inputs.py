"""Input types the routes share: text that is safe to store, log and pass on."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StrictStr

__all__ = ["PlainText"]

# A lone UTF-16 surrogate parses from JSON ("\ud800") but cannot be encoded to UTF-8:
# it would fail later, in the database, Rasa or a log, as a 500.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _no_surrogates(text: str) -> str:
    if _SURROGATE.search(text):
        raise ValueError("contains a character that is not valid text (a lone surrogate)")
    return text


#: A JSON string that is valid Unicode text (refused with 422 otherwise).
PlainText = Annotated[StrictStr, AfterValidator(_no_surrogates)]
