"""Start, watch and stop the bot's processes: the action server, Rasa and (optionally) the gateway.

Used by ``python -m bot.run`` (for people) and by the end-to-end tests and
benchmarks (for machines), so both run exactly the same processes.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from bot.paths import APP_PYTHON, CREDENTIALS, ENDPOINTS, RASA_BIN, REPO_ROOT
from bot.settings import get_settings
from bot.store import upgrade_database
from bot.train import rasa_env

READY_TIMEOUT_S = 180.0
# Longer than Rasa's 300 s action timeout (see bot/endpoints.yml).
LOCK_LIFETIME_S = 330
# Each worker holds its own copy of the model (about 1 GB).
MAX_RASA_WORKERS = 8


class StackConfigError(RuntimeError):
    """The environment asks for a setup that cannot work (said before anything starts)."""


# (service name, state, detail) -> None: how progress is reported.
StatusCallback = Callable[[str, str, str], None]


def tracker_store_url(database_url: str) -> str:
    """Rasa's tracker-store URL for our DATABASE_URL (Rasa's SQLAlchemy 1.4 uses psycopg2)."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def rasa_worker_count(environ: dict[str, str]) -> int:
    """How many Rasa worker processes to run: ``RASA_WORKERS``, else 2 with Redis, else 1.

    Several workers share one port (Sanic forks them) and each handles whole
    messages, so they use both cores of a small server. They need the Redis lock
    store: in-memory locks cannot stop two workers from answering two messages
    of one conversation at once (Rasa itself falls back to one worker then).
    """
    redis_url = environ.get("REDIS_URL", "").strip()
    raw = environ.get("RASA_WORKERS", "").strip()
    if not raw:
        return 2 if redis_url else 1
    try:
        workers = int(raw)
    except ValueError:
        raise StackConfigError(f"RASA_WORKERS must be a whole number, not {raw!r}") from None
    if not 1 <= workers <= MAX_RASA_WORKERS:
        raise StackConfigError(f"RASA_WORKERS must be 1..{MAX_RASA_WORKERS}, not {workers}")
    if workers > 1 and not redis_url:
        raise StackConfigError(
            f"RASA_WORKERS={workers} needs REDIS_URL (the shared lock store), "
            "e.g. REDIS_URL=redis://127.0.0.1:6379/0; or set RASA_WORKERS=1"
        )
    return workers


def redis_address(redis_url: str) -> tuple[str, int, str, str]:
    """Host, port, database number and password of a ``redis://`` URL (clear error if not one)."""
    example = "e.g. redis://127.0.0.1:6379/0 or redis://:password@host:6379/0"
    parts = urlsplit(redis_url.strip())
    try:
        port = parts.port or 6379
    except ValueError:
        raise StackConfigError(f"REDIS_URL has an invalid port ({example})") from None
    if parts.scheme not in ("redis", "rediss"):
        raise StackConfigError(f"REDIS_URL must start with redis:// ({example})")
    database = parts.path.strip("/") or "0"
    if not database.isdigit():
        raise StackConfigError(f"REDIS_URL's database must be a number ({example})")
    return parts.hostname or "127.0.0.1", port, database, parts.password or ""


def check_redis(redis_url: str, timeout_s: float = 2.0) -> None:
    """Raise :class:`StackConfigError` unless something listens at ``redis_url``'s address."""
    host, port, _, _ = redis_address(redis_url)
    address = (host, port)
    try:
        with socket.create_connection(address, timeout=timeout_s):
            return
    except OSError:
        raise StackConfigError(
            f"Redis is not reachable at {address[0]}:{address[1]} (REDIS_URL); start it "
            "(redis-server --daemonize yes --bind 127.0.0.1) or unset REDIS_URL for one "
            "Rasa worker with in-memory locks"
        ) from None


#: Rasa's lock store class when Redis is configured (see bot/rasa_plugins/lock_store.py).
REDIS_LOCK_STORE = "bot.rasa_plugins.lock_store.AtomicRedisLockStore"


def lock_store_settings(redis_url: str) -> dict[str, str]:
    """Environment for the lock store: atomic Redis locks when REDIS_URL is set, else in memory."""
    if not redis_url:
        return {
            "RASA_LOCK_STORE": "in_memory",
            "REDIS_HOST": "",
            "REDIS_PORT": "6379",
            "REDIS_DB": "",
            "REDIS_PASSWORD": "",
        }
    host, port, database, password = redis_address(redis_url)
    return {
        "RASA_LOCK_STORE": REDIS_LOCK_STORE,
        "REDIS_HOST": host,
        "REDIS_PORT": str(port),
        "REDIS_DB": database,
        "REDIS_PASSWORD": password,
    }


#: How long a stopping process group may take after SIGTERM before SIGKILL.
STOP_TIMEOUT_S = 12.0


@dataclass
class Service:
    """One child process with its log file and health URL."""

    name: str
    command: list[str]
    health_url: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    #: Variables for this process only, on top of the shared environment.
    env: dict[str, str] = field(default_factory=dict)

    def start(self, env: dict[str, str]) -> None:
        """Start the process, sending its output to the log file."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=REPO_ROOT,
            env={**env, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def exit_code(self) -> int | None:
        """None while running, else the exit code."""
        return None if self.process is None else self.process.poll()

    def healthy(self) -> bool:
        """True when the health URL answers 200."""
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as reply:
                return bool(reply.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Ask the process group to stop; kill it if it does not."""
        self.terminate()
        self.wait_or_kill(time.monotonic() + timeout)

    def terminate(self) -> None:
        """Send the process group SIGTERM (no waiting)."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)

    def wait_or_kill(self, deadline: float) -> None:
        """Wait until ``deadline`` (a ``time.monotonic()`` value), then SIGKILL the group."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


@dataclass
class Stack:
    """The action server and a Rasa server for one model, on loopback ports.

    With ``gateway_port``, the public web gateway (``python -m bot.web``) runs
    too, bound to ``gateway_host`` and talking to this Rasa with its token.
    """

    model: Path
    rasa_port: int = 5005
    action_port: int = 5055
    log_dir: Path = REPO_ROOT / "var" / "log"
    extra_env: dict[str, str] = field(default_factory=dict)
    rasa_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    action_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    services: list[Service] = field(default_factory=list)
    gateway_port: int | None = None
    gateway_host: str = "127.0.0.1"

    @property
    def rasa_url(self) -> str:
        """Base URL of the Rasa server."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def gateway_url(self) -> str:
        """Base URL of the gateway, reachable from this machine (empty without a gateway)."""
        if self.gateway_port is None:
            return ""
        local = self.gateway_host in ("0.0.0.0", "::", "")
        host = "127.0.0.1" if local else self.gateway_host
        return f"http://{host}:{self.gateway_port}"

    def gateway_service(self) -> Service:
        """The gateway process for this stack (needs ``gateway_port``)."""
        assert self.gateway_port is not None
        return Service(
            "gateway",
            [
                str(APP_PYTHON),
                "-m",
                "bot.web",
                "--host",
                self.gateway_host,
                "--port",
                str(self.gateway_port),
            ],
            f"{self.gateway_url}/healthz",
            self.log_dir / "gateway.log",
            env={"RASA_URL": self.rasa_url, "RASA_TOKEN": self.rasa_token},
        )

    def environment(self) -> dict[str, str]:
        """Environment shared by both processes (tokens, endpoints, stores, no telemetry)."""
        env = rasa_env()
        env.update(self.extra_env)
        database_url = env.get("DATABASE_URL") or get_settings().database_url
        redis_url = env.get("REDIS_URL", "")
        workers = rasa_worker_count(env)
        env.update(
            {
                "DATABASE_URL": database_url,
                "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
                "ACTION_SERVER_TOKEN": self.action_token,
                "ACTION_SERVER_PORT": str(self.action_port),
                "SANIC_HOST": "127.0.0.1",
                # Rasa loads bot.rasa_plugins from the checkout.
                "PYTHONPATH": str(REPO_ROOT),
                "RASA_TRACKER_URL": tracker_store_url(database_url),
                "TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME_S),
                # Rasa forks this many Sanic workers on its port (Redis lock store only).
                "SANIC_WORKERS": str(workers),
                **lock_store_settings(redis_url),
            }
        )
        return env

    def start(self, *, on_status: StatusCallback | None = None) -> None:
        """Start the processes and wait (bounded) until each answers its health check."""
        self.services = [
            Service(
                "actions",
                [str(APP_PYTHON), "-m", "bot.action_server", "--port", str(self.action_port)],
                f"http://127.0.0.1:{self.action_port}/health",
                self.log_dir / "actions.log",
            ),
            Service(
                "rasa",
                [
                    str(RASA_BIN),
                    "run",
                    "--model",
                    str(self.model),
                    "--endpoints",
                    str(ENDPOINTS),
                    "--credentials",
                    str(CREDENTIALS),
                    "--interface",
                    "127.0.0.1",
                    "--port",
                    str(self.rasa_port),
                    "--enable-api",
                    # One argument with "=": a token may start with "-" (token_urlsafe),
                    # which argparse would otherwise take for an option (a 1-in-64 flake).
                    f"--auth-token={self.rasa_token}",
                ],
                f"http://127.0.0.1:{self.rasa_port}/status?token={self.rasa_token}",
                self.log_dir / "rasa.log",
            ),
        ]
        if self.gateway_port is not None:
            self.services.append(self.gateway_service())
        env = self.environment()
        if env.get("REDIS_URL"):
            check_redis(env["REDIS_URL"])
        upgrade_database(env["DATABASE_URL"])  # creates var/ and the tables Rasa shares
        for service in self.services:
            service.start(env)
            if on_status:
                workers = env["SANIC_WORKERS"]
                many = f"{workers} workers, " if service.name == "rasa" and workers != "1" else ""
                on_status(service.name, "starting", f"{many}log: {service.log_path}")
        deadline = time.monotonic() + READY_TIMEOUT_S
        waiting = list(self.services)
        while waiting and time.monotonic() < deadline:
            for service in list(waiting):
                code = service.exit_code()
                if code is not None:
                    self.stop()
                    raise RuntimeError(
                        f"{service.name} exited with code {code} while starting; "
                        f"see {service.log_path}"
                    )
                if service.healthy():
                    waiting.remove(service)
                    if on_status:
                        on_status(service.name, "ready", service.health_url.split("?")[0])
            time.sleep(0.5)
        if waiting:
            self.stop()
            names = ", ".join(s.name for s in waiting)
            raise RuntimeError(f"{names} not ready after {READY_TIMEOUT_S:.0f} s")

    def dead(self) -> Service | None:
        """The first service that has exited, if any."""
        return next((s for s in self.services if s.exit_code() is not None), None)

    def stop(self) -> None:
        """Stop every process: the gateway and Rasa together, then the action server
        (so no action call is cut off). Bounded: at most about 2 x (STOP_TIMEOUT_S + 5) s."""
        front = [s for s in reversed(self.services) if s.name != "actions"]
        back = [s for s in self.services if s.name == "actions"]
        for group in (front, back):
            for service in group:
                service.terminate()
            deadline = time.monotonic() + STOP_TIMEOUT_S
            for service in group:
                service.wait_or_kill(deadline)
