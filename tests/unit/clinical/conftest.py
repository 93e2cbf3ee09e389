"""Helpers shared by the clinical engine tests."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from actions.clinical import analyze

TODAY = datetime.date(2026, 11, 21)


def flag_ids(text: str) -> set[str]:
    """Red-flag ids ``analyze`` raises for ``text``."""
    return {flag["id"] for flag in analyze(text, today=TODAY)["red_flags"]}


def regions(text: str) -> list[tuple[str, str | None]]:
    """(region, side) pairs ``analyze`` extracts from ``text``."""
    return [(r["region"], r["side"]) for r in analyze(text, today=TODAY)["body_regions"]]


def symptoms(text: str) -> list[str]:
    """Symptom ids ``analyze`` extracts from ``text``."""
    return list(analyze(text, today=TODAY)["symptoms"])


def top_condition(result: dict[str, Any]) -> str | None:
    """The id of the best suggested condition, if any."""
    conditions = result["suggested_conditions"]
    return conditions[0]["id"] if conditions else None


@pytest.fixture(scope="session", autouse=True)
def _warm_engine() -> None:
    """Build the catalogue and spaCy pipeline once for the whole session."""
    analyze("warm up", today=TODAY)
