"""``GET /healthz``: 200 when the database and Rasa answer, 503 otherwise, with each state."""

from __future__ import annotations

import asyncio

import anyio.to_thread
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from bot.web.deps import ServicesDep
from bot.web.services import Services

__all__ = ["router"]

router = APIRouter(tags=["health"])


def _database_ok(services: Services) -> bool:
    try:
        with services.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


@router.get("/healthz")
async def healthz(services: ServicesDep) -> JSONResponse:
    """Each dependency's state: ``{"status", "database", "rasa"}``."""
    database, rasa = await asyncio.gather(
        anyio.to_thread.run_sync(_database_ok, services), services.rasa.healthy()
    )
    states = {"database": "ok" if database else "down", "rasa": "ok" if rasa else "down"}
    healthy = database and rasa
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", **states},
        status_code=200 if healthy else 503,
    )
