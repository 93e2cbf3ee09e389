"""Pure-ASGI middleware of the gateway, one concern per module.

Outermost first: access log, HEAD as GET, security headers, CORS, body-size limit,
catch-all.
"""

from bot.web.middleware.access_log import AccessLogMiddleware
from bot.web.middleware.body_limit import BodyLimitMiddleware
from bot.web.middleware.cors import ChatCorsMiddleware
from bot.web.middleware.errors import CatchAllMiddleware
from bot.web.middleware.head import HeadMiddleware
from bot.web.middleware.security import SecurityHeadersMiddleware

__all__ = [
    "AccessLogMiddleware",
    "BodyLimitMiddleware",
    "CatchAllMiddleware",
    "ChatCorsMiddleware",
    "HeadMiddleware",
    "SecurityHeadersMiddleware",
]
