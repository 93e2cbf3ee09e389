"""The gateway's settings: one frozen object read from the environment.

Every variable is optional; the defaults suit one machine (``make run``).
The base settings (``DATABASE_URL``, ``INTAKE_SECRET_KEY``, ``INTAKE_ENV``,
``CLINIC_*``) come from :mod:`bot.settings`, which refuses a default secret in
production.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.settings import Settings, SettingsError

__all__ = ["GatewaySettings", "RateLimit"]


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: ``per_minute`` tokens refill per minute, at most ``burst`` saved up.

    ``per_minute`` 0 turns the limit off.
    """

    per_minute: float
    burst: int

    @property
    def enabled(self) -> bool:
        """True unless the limit is turned off."""
        return self.per_minute > 0 and self.burst > 0


#: The names a gateway on this machine is reached by (the default Host allow-list).
LOOPBACK_HOSTS: tuple[str, ...] = ("localhost", "127.0.0.1", "[::1]")


def _hosts(raw: str) -> tuple[str, ...]:
    """``GATEWAY_ALLOWED_HOSTS``: comma-separated host names ("*.example.com" allowed)."""
    hosts = tuple(h.strip().lower() for h in raw.split(",") if h.strip())
    for host in hosts:
        if "/" in host or (":" in host.strip("[]") and not host.startswith("[")):
            raise SettingsError(
                f"GATEWAY_ALLOWED_HOSTS: {host!r} is not a host name (no scheme, port or "
                "path; e.g. intake.example-clinic.com)"
            )
    return hosts or LOOPBACK_HOSTS


def _origins(raw: str) -> tuple[str, ...]:
    origins: list[str] = []
    for item in raw.split(","):
        origin = item.strip().rstrip("/")
        if not origin:
            continue
        if origin != "*":
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
                raise SettingsError(
                    f"GATEWAY_ALLOWED_ORIGINS: {origin!r} is not an origin "
                    "(scheme://host[:port], e.g. https://www.example-clinic.com)"
                )
        origins.append(origin)
    return tuple(origins)


@dataclass(frozen=True)
class GatewaySettings:
    """Configuration of the web gateway (see the README's table for each variable)."""

    base: Settings
    host: str = "127.0.0.1"
    port: int = 8000
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = field(default="", repr=False)
    rasa_timeout_s: float = 30.0
    allowed_origins: tuple[str, ...] = ()
    max_message_chars: int = 2000
    max_analyze_chars: int = 20_000
    max_body_bytes: int = 256 * 1024
    session_ttl_s: float = 24 * 3600.0
    reply_wait_s: float = 35.0
    stale_after_s: float = 60.0
    rate_sessions: RateLimit = RateLimit(10, 10)
    rate_client: RateLimit = RateLimit(120, 60)
    rate_conversation: RateLimit = RateLimit(30, 10)
    rate_limit_redis_url: str = field(default="", repr=False)
    #: Host header values served (anything else gets 400): a request for another site
    #: name, or a DNS-rebinding page, is refused before any route runs.
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    #: Proxies whose X-Forwarded-For is believed ("" = none: the socket's address counts).
    forwarded_allow_ips: str = ""
    log_level: str = "info"

    def __post_init__(self) -> None:
        if not 1 <= self.port <= 65535:
            raise SettingsError(f"GATEWAY_PORT must be 1..65535, not {self.port}")
        if urlsplit(self.rasa_url).scheme not in ("http", "https"):
            raise SettingsError(f"RASA_URL must be an http(s) URL, not {self.rasa_url!r}")
        if self.max_message_chars < 1 or self.max_analyze_chars < 1:
            raise SettingsError("message size caps must be at least 1 character")
        if self.rasa_timeout_s <= 0 or self.reply_wait_s <= 0 or self.stale_after_s <= 0:
            raise SettingsError("timeouts must be positive")

    @property
    def secret_key(self) -> str:
        """The signing secret of chat session tokens (``INTAKE_SECRET_KEY``)."""
        return self.base.secret_key

    @property
    def database_url(self) -> str:
        """The intake database (``DATABASE_URL``)."""
        return self.base.database_url

    @property
    def any_origin(self) -> bool:
        """True when ``GATEWAY_ALLOWED_ORIGINS`` is ``*`` (any site may embed the widget)."""
        return "*" in self.allowed_origins

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GatewaySettings:
        """Read the settings from ``environ`` (default ``os.environ``); blank means default."""
        env = os.environ if environ is None else environ

        def get(name: str, default: str) -> str:
            return env.get(name, "").strip() or default

        def number(name: str, default: float) -> float:
            raw = get(name, str(default))
            try:
                return float(raw)
            except ValueError:
                raise SettingsError(f"{name} must be a number, not {raw!r}") from None

        def limit(name: str, per_minute: float, burst: int) -> RateLimit:
            return RateLimit(
                number(f"{name}_PER_MIN", per_minute), int(number(f"{name}_BURST", burst))
            )

        timeout = number("RASA_TIMEOUT_S", 30.0)
        return cls(
            base=Settings.from_env(env),
            host=get("GATEWAY_HOST", "127.0.0.1"),
            port=int(number("GATEWAY_PORT", 8000)),
            rasa_url=get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            rasa_token=get("RASA_TOKEN", ""),
            rasa_timeout_s=timeout,
            allowed_origins=_origins(env.get("GATEWAY_ALLOWED_ORIGINS", "")),
            max_message_chars=int(number("GATEWAY_MAX_MESSAGE_CHARS", 2000)),
            max_analyze_chars=int(number("GATEWAY_MAX_ANALYZE_CHARS", 20_000)),
            max_body_bytes=int(number("GATEWAY_MAX_BODY_BYTES", 256 * 1024)),
            session_ttl_s=number("GATEWAY_SESSION_TTL_HOURS", 24.0) * 3600,
            reply_wait_s=number("GATEWAY_REPLY_WAIT_S", timeout + 5),
            stale_after_s=number("GATEWAY_STALE_AFTER_S", timeout + 30),
            rate_sessions=limit("GATEWAY_RATE_SESSIONS", 10, 10),
            rate_client=limit("GATEWAY_RATE_CLIENT", 120, 60),
            rate_conversation=limit("GATEWAY_RATE_CONVERSATION", 30, 10),
            rate_limit_redis_url=get("GATEWAY_RATE_LIMIT_REDIS_URL", ""),
            forwarded_allow_ips=get("GATEWAY_FORWARDED_ALLOW_IPS", ""),
            allowed_hosts=_hosts(env.get("GATEWAY_ALLOWED_HOSTS", "")),
            log_level=get("GATEWAY_LOG_LEVEL", "info").lower(),
        )
