"""Typed application settings, read from the environment once.

Dependency-free on purpose (a frozen dataclass over ``os.environ``): the CLI,
the gateway and the action server all call :func:`get_settings` and get the
same cached object. Tests that change the environment call
:func:`reset_settings` afterwards.

Environment variables:

``DATABASE_URL``
    SQLAlchemy URL of the intake database. Default: the SQLite file
    ``var/intake.db`` under the repository root. ``var/`` is created on first
    use (mode 0700) and the database file with mode 0600 (see
    :func:`bot.store.engine.make_engine`).
``INTAKE_ENV``
    ``development`` (default) or ``production``.
``INTAKE_SECRET_KEY``
    Signing secret. Has a development default; in production an empty or
    default value is refused with :class:`SettingsError`.
``CLINIC_NAME``, ``CLINIC_PHONE``, ``CLINIC_EMAIL``, ``CLINIC_EMERGENCY_NUMBER``
(default ``911``), ``CLINIC_CRISIS_LINE`` (default ``988``)
    Contact details the bot shows to patients.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

__all__ = [
    "DEFAULT_SECRET_KEY",
    "REPO_ROOT",
    "Environment",
    "Settings",
    "SettingsError",
    "default_database_url",
    "get_settings",
    "reset_settings",
]

Environment = Literal["development", "production"]

REPO_ROOT = Path(__file__).resolve().parent.parent
# A known value, accepted only in development.
DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"
_ENVIRONMENTS: tuple[Environment, ...] = ("development", "production")


class SettingsError(RuntimeError):
    """The environment holds an invalid or unsafe configuration."""


def default_database_url(root: Path = REPO_ROOT) -> str:
    """Return the default database URL: ``sqlite:///<root>/var/intake.db``."""
    return f"sqlite:///{(root / 'var' / 'intake.db').resolve()}"


@dataclass(frozen=True)
class Settings:
    """The application's configuration (immutable; build with :meth:`from_env`)."""

    database_url: str
    env: Environment = "development"
    secret_key: str = DEFAULT_SECRET_KEY
    clinic_name: str = "Medical Massage Clinic"
    clinic_phone: str = ""
    clinic_email: str = ""
    clinic_emergency_number: str = "911"
    clinic_crisis_line: str = "988"

    def __post_init__(self) -> None:
        if self.env not in _ENVIRONMENTS:
            raise SettingsError(
                f"INTAKE_ENV must be one of {', '.join(_ENVIRONMENTS)}, not {self.env!r}"
            )
        if not self.database_url:
            raise SettingsError("DATABASE_URL must not be empty")
        if self.is_production and (
            not self.secret_key.strip() or self.secret_key == DEFAULT_SECRET_KEY
        ):
            raise SettingsError(
                "INTAKE_SECRET_KEY is empty or the development default; "
                "set a long random value before running with INTAKE_ENV=production "
                '(e.g. python -c "import secrets; print(secrets.token_urlsafe(48))")'
            )

    @property
    def is_production(self) -> bool:
        """True when ``INTAKE_ENV`` is ``production``."""
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``environ`` (default: ``os.environ``).

        Unset or blank variables take their defaults, except a blank
        ``INTAKE_SECRET_KEY`` in production, which is refused.
        """
        env = os.environ if environ is None else environ

        def get(name: str, default: str) -> str:
            value = env.get(name, "").strip()
            return value or default

        raw_env = get("INTAKE_ENV", "development").lower()
        secret = env.get("INTAKE_SECRET_KEY", "").strip()
        if not secret and raw_env != "production":
            secret = DEFAULT_SECRET_KEY
        return cls(
            database_url=get("DATABASE_URL", default_database_url()),
            env=cast(Environment, raw_env),
            secret_key=secret,
            clinic_name=get("CLINIC_NAME", "Medical Massage Clinic"),
            clinic_phone=get("CLINIC_PHONE", ""),
            clinic_email=get("CLINIC_EMAIL", ""),
            clinic_emergency_number=get("CLINIC_EMERGENCY_NUMBER", "911"),
            clinic_crisis_line=get("CLINIC_CRISIS_LINE", "988"),
        )


@functools.cache
def get_settings() -> Settings:
    """Return the process-wide settings, read from ``os.environ`` on first call."""
    return Settings.from_env()


def reset_settings() -> None:
    """Forget the cached settings so the next :func:`get_settings` re-reads the environment."""
    get_settings.cache_clear()
