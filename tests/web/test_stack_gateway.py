"""The stack's settings: the gateway as optional third process, Rasa workers and locks."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from bot.paths import APP_PYTHON
from bot.stack import Stack, StackConfigError, check_redis, rasa_worker_count, redis_address


def test_stack_without_gateway_is_unchanged() -> None:
    stack = Stack(model=Path("model.tar.gz"), rasa_port=5105, action_port=5155)
    assert stack.gateway_port is None
    assert stack.gateway_url == ""


def test_gateway_service_runs_bot_web_on_loopback_with_rasas_token() -> None:
    stack = Stack(model=Path("model.tar.gz"), rasa_port=5105, action_port=5155, gateway_port=8123)
    service = stack.gateway_service()
    assert service.name == "gateway"
    assert service.command == [
        str(APP_PYTHON),
        "-m",
        "bot.web",
        "--host",
        "127.0.0.1",
        "--port",
        "8123",
    ]
    assert service.health_url == "http://127.0.0.1:8123/healthz"
    assert service.env == {"RASA_URL": "http://127.0.0.1:5105", "RASA_TOKEN": stack.rasa_token}
    assert stack.gateway_url == "http://127.0.0.1:8123"


def test_gateway_on_all_interfaces_is_checked_on_loopback() -> None:
    stack = Stack(model=Path("m"), gateway_port=8000, gateway_host="0.0.0.0")
    assert stack.gateway_service().command[-3] == "0.0.0.0"
    assert stack.gateway_url == "http://127.0.0.1:8000"


def test_one_rasa_worker_without_redis() -> None:
    assert rasa_worker_count({}) == 1
    assert rasa_worker_count({"RASA_WORKERS": "1"}) == 1


def test_two_rasa_workers_by_default_with_redis() -> None:
    assert rasa_worker_count({"REDIS_URL": "redis://127.0.0.1:6379/0"}) == 2
    assert rasa_worker_count({"REDIS_URL": "redis://h:1/0", "RASA_WORKERS": "3"}) == 3


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"RASA_WORKERS": "2"}, "needs REDIS_URL"),
        ({"RASA_WORKERS": "two", "REDIS_URL": "redis://h"}, "whole number"),
        ({"RASA_WORKERS": "0", "REDIS_URL": "redis://h"}, "1..8"),
        ({"RASA_WORKERS": "99", "REDIS_URL": "redis://h"}, "1..8"),
    ],
)
def test_impossible_worker_settings_are_refused_with_the_fix(
    environ: dict[str, str], says: str
) -> None:
    with pytest.raises(StackConfigError, match=says):
        rasa_worker_count(environ)


def test_workers_and_lock_store_reach_rasas_environment() -> None:
    stack = Stack(
        model=Path("m"), extra_env={"REDIS_URL": "redis://127.0.0.1:6390/0", "RASA_WORKERS": "2"}
    )
    env = stack.environment()
    assert env["SANIC_WORKERS"] == "2"
    assert env["RASA_LOCK_STORE"] == "bot.rasa_plugins.lock_store.AtomicRedisLockStore"
    assert (env["REDIS_HOST"], env["REDIS_PORT"], env["REDIS_DB"]) == ("127.0.0.1", "6390", "0")
    assert env["REDIS_PASSWORD"] == ""


def test_a_redis_password_in_the_url_reaches_the_lock_store() -> None:
    env = Stack(
        model=Path("m"), extra_env={"REDIS_URL": "redis://:s3cret@redis.internal:6380/2"}
    ).environment()
    assert (env["REDIS_HOST"], env["REDIS_PORT"], env["REDIS_DB"], env["REDIS_PASSWORD"]) == (
        "redis.internal",
        "6380",
        "2",
        "s3cret",
    )


def test_without_redis_the_locks_stay_in_memory() -> None:
    env = Stack(model=Path("m"), extra_env={"REDIS_URL": "", "RASA_WORKERS": "1"}).environment()
    assert (env["RASA_LOCK_STORE"], env["SANIC_WORKERS"]) == ("in_memory", "1")


def test_unreachable_redis_is_said_before_anything_starts() -> None:
    with socket.socket() as sock:  # a port nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(StackConfigError, match=f"not reachable at 127.0.0.1:{port}"):
        check_redis(f"redis://127.0.0.1:{port}/0", timeout_s=1.0)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("redis://127.0.0.1:notaport/0", "invalid port"),
        ("http://127.0.0.1:6379/0", "must start with redis://"),
        ("redis://127.0.0.1:6379/zero", "database must be a number"),
    ],
)
def test_a_malformed_redis_url_is_refused_with_an_example(url: str, says: str) -> None:
    with pytest.raises(StackConfigError, match=says):
        Stack(model=Path("m"), extra_env={"REDIS_URL": url}).environment()
    with pytest.raises(StackConfigError, match=re.escape("redis://127.0.0.1:6379/0")):
        check_redis(url)


def test_a_redis_url_without_a_database_uses_database_0() -> None:
    assert redis_address("redis://localhost") == ("localhost", 6379, "0", "")
