"""Engines and short-lived sessions.

One engine per process (the caller keeps it); one :func:`session_scope` per
unit of work (a request, an action call, a CLI command). There is no global
session.

SQLite (the single-machine default) is tuned for several processes sharing
one file: WAL journal, ``busy_timeout`` 5000 ms, foreign keys on, and every
transaction opened with ``BEGIN IMMEDIATE`` so writers queue on the file lock
instead of failing with "database is locked" when a read transaction later
wants to write. PostgreSQL gets a plain pool with ``pool_pre_ping``.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry

__all__ = [
    "SQLITE_BUSY_TIMEOUT_MS",
    "make_engine",
    "normalize_url",
    "session_scope",
    "sqlite_path",
]

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000


def normalize_url(url: str | URL) -> URL:
    """Parse ``url``, mapping bare ``postgres://`` / ``postgresql://`` to psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_path(url: str | URL) -> Path | None:
    """Return the database file of a SQLite URL, or None (other backend, in-memory)."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database).expanduser().resolve()


def _prepare_sqlite_file(path: Path) -> None:
    """Create missing parent folders (0700) and the database file (0600)."""
    missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
        log.info("created database folder %s (mode 0700)", folder)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning(
                "database file %s is readable by others (mode %o); chmod 600 it", path, mode
            )
        return
    os.close(fd)
    os.chmod(path, 0o600)
    log.info("created database file %s (mode 0600)", path)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take transaction control away from pysqlite so SAVEPOINT works and
        # the "begin" hook below decides how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` (default: ``get_settings().database_url``).

    For a SQLite file, the parent folder (0700) and the file (0600) are
    created first, so the database is never world-readable, and the
    connection hooks described in the module docstring are installed.
    ``kwargs`` go to :func:`sqlalchemy.create_engine`.
    """
    if url is None:
        from bot.settings import get_settings

        url = get_settings().database_url
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(parsed)
        if path is not None:
            _prepare_sqlite_file(path)
        engine = create_engine(parsed, **kwargs)
        _install_sqlite_hooks(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kwargs)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a new Session in a transaction: commit on success, roll back on error.

    Objects stay usable after the block (``expire_on_commit=False``).
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
