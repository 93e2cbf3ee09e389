"""Access log without PHI: method, path (no query string), status, duration.

Bodies, query strings and headers are never logged: a query string may
carry a token, a body patient text. Conversation ids in paths are fine. The
path is logged as it came on the wire (still percent-encoded), escaped to
printable ASCII and capped, so "%0a" or a NUL can never split or corrupt a line.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from bot.web.logs import loggable
from bot.web.middleware.response_start import ResponseStart

__all__ = ["AccessLogMiddleware"]

log = logging.getLogger("bot.web.access")


class AccessLogMiddleware:
    """Log one line per HTTP request when its response has started."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and log its outcome."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        response = ResponseStart(send)
        try:
            await self.app(scope, receive, response)
        finally:
            log.info(
                "%s %s %d %.1fms",
                loggable(str(scope.get("method", "-")), 16),
                loggable(scope.get("raw_path") or str(scope.get("path", "-"))),
                response.status or 500,
                (time.perf_counter() - started) * 1000,
            )
