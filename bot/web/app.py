"""The gateway application: ``create_app(settings)``.

Only this process is public. Rasa and the action server stay on a private
address; the gateway issues conversations, checks tokens, limits rates,
makes retries idempotent and turns Rasa's failures into clear errors.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.trustedhost import TrustedHostMiddleware

from bot.web.config import GatewaySettings
from bot.web.errors import install_error_handlers
from bot.web.logs import quiet_noisy_loggers
from bot.web.middleware import (
    AccessLogMiddleware,
    BodyLimitMiddleware,
    CatchAllMiddleware,
    ChatCorsMiddleware,
    HeadMiddleware,
    SecurityHeadersMiddleware,
)
from bot.web.routes import analyze, chat, health, intakes, pages
from bot.web.services import open_services

__all__ = ["create_app"]

log = logging.getLogger(__name__)


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """Build the gateway for ``settings`` (default: read from the environment).

    Services (database engine, Rasa client, rate limiter) are opened when
    the app starts and closed when it stops; startup fails if the database
    is not migrated (`intake db upgrade`).
    """
    config = settings or GatewaySettings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        quiet_noisy_loggers()  # however the app is served, no URL with a token is logged
        services = open_services(config)
        app.state.services = services
        if config.any_origin:
            log.warning("GATEWAY_ALLOWED_ORIGINS is '*': any website may embed the chat")
        log.info("gateway ready; Rasa at %s", config.rasa_url)
        try:
            yield
        finally:
            await services.close()

    app = FastAPI(
        title="Medical massage intake gateway",
        version="1",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI loads scripts from a CDN, which the CSP (rightly) blocks
        redoc_url=None,
        openapi_url=None if config.base.is_production else "/openapi.json",
    )
    install_error_handlers(app)
    for router in (chat.router, intakes.router, analyze.router, health.router, pages.router):
        app.include_router(router)
    # Added innermost first: the last one added wraps all the others.
    app.add_middleware(CatchAllMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=config.max_body_bytes)
    app.add_middleware(ChatCorsMiddleware, allowed_origins=config.allowed_origins)
    app.add_middleware(SecurityHeadersMiddleware, allowed_origins=config.allowed_origins)
    app.add_middleware(HeadMiddleware)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts))
    app.add_middleware(AccessLogMiddleware)
    return app
