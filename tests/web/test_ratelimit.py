"""Token buckets: the in-process limiter's arithmetic, and the Redis-backed limiter."""

from __future__ import annotations

import os
import uuid

import pytest

from bot.web.config import RateLimit
from bot.web.ratelimit import MemoryRateLimiter, RedisRateLimiter, make_rate_limiter
from tests.conftest import require_service

REDIS_URL = os.environ.get("INTAKE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_burst_then_refill_at_the_rate() -> None:
    limiter = MemoryRateLimiter()
    limit = RateLimit(per_minute=60, burst=3)  # one token per second
    assert [limiter.take("k", limit, now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("k", limit, now=0.0) == pytest.approx(1.0)
    assert limiter.take("k", limit, now=0.5) == pytest.approx(0.5)
    assert limiter.take("k", limit, now=1.6) == 0.0
    assert limiter.take("other", limit, now=1.6) == 0.0  # buckets are per key


def test_disabled_limit_never_limits() -> None:
    limiter = MemoryRateLimiter()
    off = RateLimit(per_minute=0, burst=0)
    assert all(limiter.take("k", off, now=0.0) == 0.0 for _ in range(100))


def test_memory_is_bounded() -> None:
    limiter = MemoryRateLimiter(max_buckets=10)
    for number in range(100):
        limiter.take(f"k{number}", RateLimit(60, 1), now=0.0)
    assert len(limiter._buckets) == 10


def test_factory_picks_the_backend() -> None:
    assert isinstance(make_rate_limiter(""), MemoryRateLimiter)
    assert isinstance(make_rate_limiter(REDIS_URL), RedisRateLimiter)


async def test_redis_limiter_shares_buckets_between_gateways() -> None:
    first, second = RedisRateLimiter(REDIS_URL), RedisRateLimiter(REDIS_URL)
    try:
        require_service(await first.ping(), f"Redis unreachable at {REDIS_URL}")
        key = f"test:{uuid.uuid4().hex}"
        limit = RateLimit(per_minute=6, burst=2)
        assert await first.hit(key, limit) == 0.0
        assert await second.hit(key, limit) == 0.0  # the other gateway, same bucket
        wait = await first.hit(key, limit)
        assert 0 < wait <= 10
    finally:
        await first.close()
        await second.close()


async def test_redis_outage_fails_open() -> None:
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0")
    try:
        assert await limiter.hit("k", RateLimit(1, 1)) == 0.0
        assert await limiter.hit("k", RateLimit(1, 1)) == 0.0
    finally:
        await limiter.close()
