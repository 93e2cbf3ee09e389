"""What the gateway's routes share: settings, database engine, Rasa client, limiter, turns.

Built when the app starts (:func:`open_services`) and closed when it stops;
routes get it through :func:`bot.web.deps.get_services`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from bot.store.engine import make_engine
from bot.store.migrate import ensure_current
from bot.web.config import GatewaySettings
from bot.web.rasa import RasaClient
from bot.web.ratelimit import MemoryRateLimiter, RedisRateLimiter, make_rate_limiter
from bot.web.turns import TurnService

__all__ = ["Services", "open_services"]


@dataclass
class Services:
    """The long-lived objects of one gateway process."""

    settings: GatewaySettings
    engine: Engine
    rasa: RasaClient
    limiter: MemoryRateLimiter | RedisRateLimiter
    turns: TurnService

    async def close(self) -> None:
        """Finish running turns (bounded), then close clients and the engine."""
        await self.turns.drain()
        await self.rasa.close()
        await self.limiter.close()
        self.engine.dispose()


def open_services(settings: GatewaySettings) -> Services:
    """Create the shared objects; refuses a database that is not migrated."""
    engine = make_engine(settings.database_url)
    try:
        ensure_current(engine)
    except Exception:
        engine.dispose()
        raise
    rasa = RasaClient(
        settings.rasa_url, token=settings.rasa_token, timeout_s=settings.rasa_timeout_s
    )
    turns = TurnService(
        engine,
        rasa,
        reply_wait_s=settings.reply_wait_s,
        stale_after_s=settings.stale_after_s,
        digest_key=settings.secret_key.encode("utf-8"),
    )
    return Services(
        settings=settings,
        engine=engine,
        rasa=rasa,
        limiter=make_rate_limiter(settings.rate_limit_redis_url),
        turns=turns,
    )
