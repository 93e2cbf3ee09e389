"""Rate limits as token buckets: in this process by default, in Redis when configured.

One bucket per key (``client:<address>``, ``conversation:<id>``,
``sessions:<address>``). :meth:`RateLimiter.hit` takes a token and returns
0.0, or the seconds until the next token when the bucket is empty (the
``Retry-After`` of the 429). The in-process limiter suits one gateway
process; several gateways share limits through Redis
(``GATEWAY_RATE_LIMIT_REDIS_URL``). If Redis fails, requests are let through
(a limiter outage must not take the chat down) and a warning is logged.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any, Protocol

from bot.web.config import RateLimit

__all__ = ["MemoryRateLimiter", "RateLimiter", "RedisRateLimiter", "make_rate_limiter"]

log = logging.getLogger(__name__)

#: Buckets kept in memory before the least recently used are forgotten.
MAX_BUCKETS = 100_000


class RateLimiter(Protocol):
    """Takes tokens from named buckets."""

    async def hit(self, key: str, limit: RateLimit) -> float:
        """Take a token for ``key``: 0.0 if allowed, else seconds to wait."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class MemoryRateLimiter:
    """Token buckets in a bounded LRU dictionary (one gateway process)."""

    def __init__(self, *, max_buckets: int = MAX_BUCKETS) -> None:
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._max = max_buckets

    async def hit(self, key: str, limit: RateLimit) -> float:
        """Take a token for ``key``: 0.0 if allowed, else seconds to wait."""
        return self.take(key, limit, now=time.monotonic())

    def take(self, key: str, limit: RateLimit, *, now: float) -> float:
        """The synchronous bucket arithmetic behind :meth:`hit` (``now`` in seconds)."""
        if not limit.enabled:
            return 0.0
        rate = limit.per_minute / 60.0
        tokens, last = self._buckets.get(key, (float(limit.burst), now))
        tokens = min(float(limit.burst), tokens + max(0.0, now - last) * rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / rate
        self._buckets[key] = (tokens, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self._max:
            self._buckets.popitem(last=False)
        return wait

    async def close(self) -> None:
        """Nothing to release."""


# KEYS[1] bucket; ARGV: rate per second, burst. Returns {allowed, wait seconds as text}.
_LUA = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local data = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(data[1]) or burst
local ts = tonumber(data[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {1, tostring(wait)}
"""


class RedisRateLimiter:
    """Token buckets in Redis (atomic Lua script), shared by several gateways."""

    def __init__(self, url: str, *, prefix: str = "mmi:rl:") -> None:
        import redis.asyncio as redis_asyncio

        self._redis: Any = redis_asyncio.from_url(url, socket_timeout=1.0)
        self._script: Any = self._redis.register_script(_LUA)
        self._prefix = prefix
        self._warned_at = 0.0

    async def hit(self, key: str, limit: RateLimit) -> float:
        """Take a token for ``key``: 0.0 if allowed, else seconds to wait."""
        if not limit.enabled:
            return 0.0
        try:
            _, wait = await asyncio.wait_for(
                self._script(
                    keys=[self._prefix + key], args=[limit.per_minute / 60.0, limit.burst]
                ),
                timeout=2.0,
            )
            return float(wait)
        except Exception as exc:  # fail open: never take the chat down with the limiter
            now = time.monotonic()
            if now - self._warned_at > 60:
                self._warned_at = now
                log.warning(
                    "rate limiter: Redis unavailable (%s); not limiting", type(exc).__name__
                )
            return 0.0

    async def ping(self) -> bool:
        """True when Redis answers."""
        try:
            return bool(await asyncio.wait_for(self._redis.ping(), timeout=2.0))
        except Exception:
            return False

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()


def make_rate_limiter(redis_url: str) -> MemoryRateLimiter | RedisRateLimiter:
    """Redis-backed when ``redis_url`` is set, else in-process."""
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()
