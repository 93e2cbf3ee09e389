"""Logging of the gateway process: one format, no URLs with tokens, no bodies."""

from __future__ import annotations

import logging

__all__ = ["configure_logging", "quiet_noisy_loggers"]

#: Loggers that would print full URLs (Rasa's status URL carries its API token).
_QUIET = ("httpx", "httpcore", "uvicorn.access")


def quiet_noisy_loggers() -> None:
    """Raise the HTTP client and uvicorn access loggers to WARNING (they log full URLs)."""
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(level: str = "info") -> None:
    """Log to stderr with timestamps, without the noisy loggers."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        force=True,
    )
    quiet_noisy_loggers()
