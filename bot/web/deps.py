"""FastAPI dependencies: shared services, the staff user behind a token, rate limits."""

from __future__ import annotations

import math
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Header, Request

from bot.store import session_scope, user_for_token
from bot.web.config import RateLimit
from bot.web.errors import ApiError
from bot.web.services import Services

__all__ = [
    "ServicesDep",
    "StaffDep",
    "bearer_token",
    "client_address",
    "enforce_rate_limit",
    "get_services",
    "staff_username",
]


def get_services(request: Request) -> Services:
    """The gateway's shared services (created at startup)."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 512:
        return None
    return token


def client_address(request: Request) -> str:
    """The client's address (uvicorn resolves trusted proxy headers)."""
    return request.client.host if request.client else "unknown"


async def enforce_rate_limit(services: Services, key: str, limit: RateLimit) -> None:
    """Take a token from ``key``'s bucket or raise 429 with ``Retry-After``."""
    wait = await services.limiter.hit(key, limit)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise ApiError(
            429,
            "rate_limited",
            f"You're sending messages a little too fast. "
            f"Please wait {seconds} seconds and try again.",
            headers={"Retry-After": str(seconds)},
            extra={"retry_after": seconds},
        )


def _unauthorized() -> ApiError:
    return ApiError(
        401,
        "unauthorized",
        "A valid API token is required (Authorization: Bearer <token>; create one with "
        "`intake token create USERNAME`).",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def staff_username(
    services: ServicesDep, authorization: Annotated[str | None, Header()] = None
) -> str:
    """The username of the active staff user owning the bearer API token, else 401."""
    token = bearer_token(authorization)
    if token is None:
        raise _unauthorized()

    def lookup() -> str | None:
        with session_scope(services.engine) as session:
            user = user_for_token(session, token)
            return user.username if user is not None else None

    username = await anyio.to_thread.run_sync(lookup)
    if username is None:
        raise _unauthorized()
    return username


StaffDep = Annotated[str, Depends(staff_username)]
