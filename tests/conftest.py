"""Shared test settings: no telemetry, and a CI flag for services that must not be skipped."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, reason: str) -> None:
    """Skip when a local service is missing, but fail in CI, where it must be there."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


#: The local Redis the lock-store tests and the multi-worker stack use.
REDIS_URL = "redis://127.0.0.1:6379/0"


def require_redis(url: str = REDIS_URL) -> str:
    """``url`` when Redis answers there; otherwise skip (fail in CI)."""
    from bot.stack import StackConfigError, check_redis

    try:
        check_redis(url)
    except StackConfigError as error:
        require_service(False, str(error))
    return url
