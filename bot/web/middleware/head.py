"""``HEAD`` answered like ``GET`` without the body (RFC 9110), for every GET route.

FastAPI routes declare GET only, so HEAD got 405; monitors and link checkers send
HEAD. The request goes on as GET; the status and headers (Content-Length included)
are sent, the body is not.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HeadMiddleware"]


class HeadMiddleware:
    """Serve HEAD through the GET route and drop the response body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Rewrite HEAD to GET on the way in; send headers only on the way out."""
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
