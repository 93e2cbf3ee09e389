"""Refuse request bodies larger than ``GATEWAY_MAX_BODY_BYTES`` with 413."""

from __future__ import annotations

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web.errors import error_response
from bot.web.middleware.response_start import ResponseStart

__all__ = ["BodyLimitMiddleware"]

_MESSAGE = "That request is too large. Please send a shorter message."


class _TooLarge(HTTPException):
    """Raised while the body streams in; FastAPI passes HTTP exceptions to the handlers."""

    def __init__(self) -> None:
        super().__init__(413)


class BodyLimitMiddleware:
    """Check ``Content-Length`` up front and count streamed bytes as they arrive."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass small requests on; answer 413 to big ones."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = False
                if too_big:
                    await error_response(413, "too_large", _MESSAGE)(scope, receive, send)
                    return
        received = 0
        response = ResponseStart(send)

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, response)
        except _TooLarge:
            if not response.started:
                await error_response(413, "too_large", _MESSAGE)(scope, receive, send)
