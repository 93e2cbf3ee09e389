"""Security headers on every response.

HTML pages get a strict Content-Security-Policy whose ``connect-src`` and
``frame-ancestors`` follow ``GATEWAY_ALLOWED_ORIGINS``; everything else gets
``default-src 'none'``. Chat and staff responses are never cached, and the
server banner is not sent (uvicorn runs with ``server_header=False``).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SecurityHeadersMiddleware", "page_policy"]

_COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
_API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
_NO_STORE_PREFIXES = ("/chat/", "/api/", "/healthz")


def page_policy(allowed_origins: tuple[str, ...]) -> str:
    """The CSP of the gateway's HTML pages for the configured embedding origins."""
    extra = " ".join(allowed_origins)
    sources = f"'self' {extra}".strip()
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src {sources}",
            f"frame-ancestors {sources}",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """Add the security headers when a response starts."""

    def __init__(self, app: ASGIApp, *, allowed_origins: tuple[str, ...]) -> None:
        self.app = app
        self.page_csp = page_policy(allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, decorating its response headers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _COMMON.items():
                    headers.setdefault(name, value)
                is_html = headers.get("content-type", "").startswith("text/html")
                headers.setdefault(
                    "Content-Security-Policy", self.page_csp if is_html else _API_POLICY
                )
                if is_html:
                    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                else:
                    headers.setdefault("X-Frame-Options", "DENY")
                if path.startswith(_NO_STORE_PREFIXES):
                    headers["Cache-Control"] = "no-store"
                if "server" in headers:
                    del headers["server"]
            await send(message)

        await self.app(scope, receive, send_wrapper)
