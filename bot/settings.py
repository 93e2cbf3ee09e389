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
    Signing secret. In development, when unset, a random key is generated once
    and kept owner-only in ``var/secret_key`` (mode 0600, ``var/`` 0700), so
    every process of one checkout signs with the same key and no key is ever
    written in the source. In production it must be set; an empty value or the
    old public development key is refused with :class:`SettingsError`.
``CLINIC_NAME``, ``CLINIC_PHONE``, ``CLINIC_EMAIL``, ``CLINIC_EMERGENCY_NUMBER``
(default ``911``), ``CLINIC_CRISIS_LINE`` (default ``988``)
    Contact details the bot shows to patients.
"""

from __future__ import annotations

import functools
import os
import secrets
import time
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
    "generated_secret",
    "get_settings",
    "reset_settings",
]

Environment = Literal["development", "production"]

REPO_ROOT = Path(__file__).resolve().parent.parent
#: The public key earlier versions fell back to: refused everywhere it is set.
DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"
#: Where a development checkout keeps what it generates (the secret key, SQLite).
VAR_DIR = REPO_ROOT / "var"
SECRET_FILE_NAME = "secret_key"
_ENVIRONMENTS: tuple[Environment, ...] = ("development", "production")


class SettingsError(RuntimeError):
    """The environment holds an invalid or unsafe configuration."""


def generated_secret(var_dir: Path = VAR_DIR) -> str:
    """The development signing key in ``var_dir/secret_key``, generated on first use.

    Created owner-only and published atomically (written to a private temporary
    file, then hard-linked into place), so processes starting together all end up
    with the one key, and none ever reads a half-written file.
    """
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = var_dir / SECRET_FILE_NAME
    if not path.exists():
        temporary = var_dir / f".{SECRET_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process published first: use theirs
        finally:
            temporary.unlink()
    for _ in range(50):  # bounded: a file made by an older version may still be filling
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        time.sleep(0.01)
    raise SettingsError(f"{path} is empty: delete it and start again to generate a new key")


def default_database_url(root: Path = REPO_ROOT) -> str:
    """Return the default database URL: ``sqlite:///<root>/var/intake.db``."""
    return f"sqlite:///{(root / 'var' / 'intake.db').resolve()}"


@dataclass(frozen=True)
class Settings:
    """The application's configuration (immutable; build with :meth:`from_env`)."""

    database_url: str
    secret_key: str
    env: Environment = "development"
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
        if not self.secret_key.strip() or self.secret_key == DEFAULT_SECRET_KEY:
            raise SettingsError(
                "INTAKE_SECRET_KEY is empty or the old public development key; "
                "set a long random value before running with INTAKE_ENV=production "
                '(e.g. python -c "import secrets; print(secrets.token_urlsafe(48))")'
            )

    @property
    def is_production(self) -> bool:
        """True when ``INTAKE_ENV`` is ``production``."""
        return self.env == "production"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, var_dir: Path = VAR_DIR
    ) -> Settings:
        """Build settings from ``environ`` (default: ``os.environ``).

        Unset or blank variables take their defaults. A blank ``INTAKE_SECRET_KEY``
        is generated once under ``var_dir`` in development and refused in production.
        """
        env = os.environ if environ is None else environ

        def get(name: str, default: str) -> str:
            value = env.get(name, "").strip()
            return value or default

        raw_env = get("INTAKE_ENV", "development").lower()
        secret = env.get("INTAKE_SECRET_KEY", "").strip()
        if not secret and raw_env == "development":
            secret = generated_secret(var_dir)
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
