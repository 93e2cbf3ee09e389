"""Last line of defence: an unexpected exception becomes a friendly 500 JSON.

Exception messages and tracebacks with values may carry patient text (a
database error quotes its parameters), so only the exception's type and the
code locations are logged, and the exception is not re-raised to the server
(which would log it in full).
"""

from __future__ import annotations

import logging
import traceback

from starlette.types import ASGIApp, Receive, Scope, Send

from bot.web.errors import INTERNAL_ERROR, error_response
from bot.web.middleware.response_start import ResponseStart

__all__ = ["CatchAllMiddleware"]

log = logging.getLogger("bot.web.errors")


class CatchAllMiddleware:
    """Turn unhandled exceptions into ``500 {"error": "internal_error", ...}``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app; answer 500 (if nothing was sent yet) when it raises."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response = ResponseStart(send)
        try:
            await self.app(scope, receive, response)
        except Exception as exc:
            where = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)[-5:]))
            log.error(
                "unhandled %s on %s %s\n%s",
                type(exc).__name__,
                scope.get("method"),
                scope.get("path"),
                where.rstrip(),
            )
            if not response.started:
                await error_response(500, *INTERNAL_ERROR)(scope, receive, send)
