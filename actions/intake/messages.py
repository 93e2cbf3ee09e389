"""Patient-facing texts of the intake actions, loaded from ``messages.yml``.

The wording is data so a clinician can review it without reading code.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

MESSAGES_FILE = Path(__file__).with_name("messages.yml")

Button = dict[str, str]


@cache
def _messages() -> dict[str, Any]:
    with MESSAGES_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{MESSAGES_FILE}: expected a mapping at the top level")
    return data


def text(path: str, **values: object) -> str:
    """The message at ``path`` ("section.key"), formatted with ``values``."""
    section, _, key = path.partition(".")
    node: Any = _messages()[section]
    if key:
        node = node[key]
    if isinstance(node, dict):
        node = node["text"]
    return str(node).format(**values) if values else str(node)


def buttons(path: str) -> list[Button]:
    """Quick-reply buttons at ``path`` as Rasa button dicts (title + payload)."""
    section, _, key = path.partition(".")
    node: Any = _messages()[section]
    if key:
        node = node[key]
    if isinstance(node, dict):
        node = node.get("buttons", [])
    return [{"title": str(title), "payload": str(payload)} for title, payload in node or []]


def _plain(text: str) -> str:
    return " ".join(text.casefold().replace("\u2019", "'").split()).strip(" .!")


def checklist_flag(text: str) -> str | None:
    """The red flag id of a safety-checklist sign, when ``text`` is one of its buttons."""
    signs: dict[str, str] = _messages()["checklist"]
    return {_plain(title): flag for title, flag in signs.items()}.get(_plain(text))


def question(slot: str) -> tuple[str, list[Button]]:
    """The question that asks for ``slot`` and its quick replies."""
    return text(f"ask.{slot}"), buttons(f"ask.{slot}")


def question_again(slot: str) -> tuple[str, list[Button]]:
    """The question for ``slot`` put another way (the second time in a row), with buttons."""
    if slot in _messages()["again"]:
        return text(f"again.{slot}"), buttons(f"again.{slot}")
    return question(slot)


def invalid(slot: str, problem: str | None) -> str:
    """The re-ask hint for ``slot``: specific to ``problem`` when one is written, else general."""
    table: dict[str, str] = _messages()["invalid"]
    for key in (f"{slot}/{problem}", slot, "default"):
        if key in table:
            return table[key]
    raise KeyError(slot)  # pragma: no cover - "default" is always present


def why(slot: str | None) -> str:
    """Why the intake asks for ``slot`` (a general reason when no question is open)."""
    table: dict[str, str] = _messages()["why"]
    return table.get(slot or "", table["default"])


def misunderstood(
    count: int, open_slot: str | None, *, skippable: bool
) -> tuple[str, list[Button]]:
    """The reply to the ``count``-th message in a row we could not use.

    The first time a short apology (the question follows); from the second time on
    a way out as buttons, so the patient is never stuck in a loop.
    """
    if count < 2:
        return text("misunderstood.first"), []
    if open_slot is None:
        return text("misunderstood.repeated"), buttons("misunderstood.buttons")
    key = "optional" if skippable else "required"
    return text("misunderstood.repeated"), buttons(f"misunderstood.repeated_in_form_buttons_{key}")
