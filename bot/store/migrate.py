"""Schema migrations (Alembic), driven from code: no ``alembic.ini`` needed.

``upgrade_database(url)`` is what ``intake db upgrade`` runs. The scripts live
in ``bot/store/migrations``; to write a new revision during development::

    .venv-app/bin/python -c "from bot.store.migrate import alembic_config; \\
        from alembic import command; \\
        command.revision(alembic_config(), 'what changed', autogenerate=True)"
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL

from bot.store.engine import make_engine
from bot.store.errors import SchemaOutdatedError

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revision",
    "ensure_current",
    "head_revision",
    "upgrade_database",
]

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Serialises concurrent upgrades on PostgreSQL (any constant bigint will do).
_PG_MIGRATION_LOCK = 0x1A7A_4B3D


def alembic_config(connection: Connection | None = None) -> Config:
    """Build the Alembic configuration in code.

    With ``connection``, migrations run on it (see ``migrations/env.py``);
    without, env.py connects to ``get_settings().database_url``.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """Return the newest revision id of the migration scripts."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the first revision ships with the code
        raise RuntimeError(f"no migration scripts in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the database's current revision, or None if it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(url: str | URL | None = None, *, revision: str = "head") -> str | None:
    """Migrate the database at ``url`` (default: the settings URL) to ``revision``.

    Safe to run repeatedly and from several processes at once. Returns the
    revision the database is at afterwards.
    """
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                )
            command.upgrade(alembic_config(connection), revision)
        current = current_revision(engine)
    finally:
        engine.dispose()
    log.info("database at revision %s", current)
    return current


def ensure_current(engine: Engine) -> None:
    """Raise :class:`SchemaOutdatedError` unless the database is at the head revision."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaOutdatedError(
            f"the database is at revision {current or 'none (empty)'}, the code needs {head}: "
            "run `intake db upgrade` first"
        )
