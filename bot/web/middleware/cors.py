"""CORS for the patient chat API (``/chat/...``) only, following ``GATEWAY_ALLOWED_ORIGINS``.

The widget on a clinic's site (another origin) calls the chat API with an
``Authorization`` header, so browsers send a preflight first. Origins not in
the list get no CORS headers (the browser then blocks the call). The staff
API is not cross-origin at all.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ChatCorsMiddleware"]

_PREFIX = "/chat/"
_ALLOW_METHODS = "POST, OPTIONS"
_ALLOW_HEADERS = "Authorization, Content-Type"
_MAX_AGE = "600"
_EXPOSE = "Retry-After"


class ChatCorsMiddleware:
    """Answer preflights and add ``Access-Control-Allow-Origin`` for allowed origins."""

    def __init__(self, app: ASGIApp, *, allowed_origins: tuple[str, ...]) -> None:
        self.app = app
        self.origins = frozenset(allowed_origins)
        self.any_origin = "*" in self.origins

    def allowed(self, origin: str) -> bool:
        """True when ``origin`` may call the chat API."""
        return self.any_origin or origin in self.origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle CORS for chat paths; pass everything else through."""
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(_PREFIX):
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        origin = request_headers.get("origin")
        is_preflight = (
            scope.get("method") == "OPTIONS" and "access-control-request-method" in request_headers
        )
        if is_preflight:
            if origin is None or not self.allowed(origin):
                await Response(status_code=403, headers={"Vary": "Origin"})(scope, receive, send)
                return
            headers = {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": _ALLOW_METHODS,
                "Access-Control-Allow-Headers": _ALLOW_HEADERS,
                "Access-Control-Max-Age": _MAX_AGE,
                "Vary": "Origin",
            }
            await Response(status_code=204, headers=headers)(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.add_vary_header("Origin")
                if origin is not None and self.allowed(origin):
                    headers["Access-Control-Allow-Origin"] = origin
                    headers["Access-Control-Expose-Headers"] = _EXPOSE
            await send(message)

        await self.app(scope, receive, send_wrapper)
