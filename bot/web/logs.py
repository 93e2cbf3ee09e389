"""Logging of the gateway process: one format, no URLs with tokens, no bodies."""

from __future__ import annotations

import logging

__all__ = ["MAX_LOGGED_CHARS", "configure_logging", "loggable", "quiet_noisy_loggers"]

#: A logged request path (or other client-controlled text) is cut to this length.
MAX_LOGGED_CHARS = 200

#: Loggers that would print full URLs (Rasa's status URL carries its API token).
_QUIET = ("httpx", "httpcore", "uvicorn.access")


def loggable(text: str | bytes, limit: int = MAX_LOGGED_CHARS) -> str:
    """Client-controlled text made safe for one log line: printable ASCII only.

    Anything else (a newline that would forge a second line, a NUL, a terminal escape,
    non-ASCII) becomes a visible ``\\xNN`` escape; the result is cut to ``limit``.
    """
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "backslashreplace")
    safe = "".join(
        chr(b) if 32 <= b < 127 and b != 0x5C else f"\\x{b:02x}" for b in raw[: limit * 4]
    )
    return safe if len(safe) <= limit else safe[: limit - 3] + "..."


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
