"""Fixtures of the store tests: one fresh database per test, on SQLite and PostgreSQL.

PostgreSQL: the session creates a uniquely named database on the server behind
``INTAKE_TEST_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``)
and drops it at the end; every test works in its own fresh schema there. If the server is
unreachable the PostgreSQL cases are skipped, or fail when ``CI=true``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, Table, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from bot.settings import reset_settings
from bot.store.engine import make_engine
from bot.store.migrate import upgrade_database
from tests.store.factories import RASA_EVENTS_TABLE, RASA_METADATA

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


class PostgresServer:
    """One uniquely named database for the test session; one fresh schema per test.

    A schema per test (selected with ``search_path`` in the URL) is much
    cheaper than a database per test: ``DROP DATABASE`` forces a checkpoint.
    """

    def __init__(self, admin_url: URL) -> None:
        self.admin_url = admin_url
        self.database = f"intake_test_{uuid.uuid4().hex[:12]}"
        self.admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.engine: Engine | None = None

    def create_database(self) -> None:
        """Create the session's database."""
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.database}"'))
        self.engine = make_engine(
            self.admin_url.set(database=self.database), isolation_level="AUTOCOMMIT"
        )

    def create_schema(self) -> tuple[str, str]:
        """Create an empty schema; return its name and a URL that works inside it."""
        assert self.engine is not None
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self.engine.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = self.admin_url.set(
            database=self.database, query={"options": f"-csearch_path={schema}"}
        )
        return schema, url.render_as_string(hide_password=False)

    def drop_schema(self, schema: str) -> None:
        """Drop a test's schema and everything in it."""
        assert self.engine is not None
        with self.engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))

    def drop_database(self) -> None:
        """Drop the session's database."""
        if self.engine is not None:
            self.engine.dispose()
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The PostgreSQL test database, or skip (fail under CI=true) when unreachable."""
    url = make_url(os.environ.get("INTAKE_TEST_PG_URL", DEFAULT_PG_URL))
    server = PostgresServer(url)
    try:
        server.create_database()
    except OperationalError as exc:
        server.admin.dispose()
        reason = f"PostgreSQL unreachable at {url.render_as_string()}: {exc.orig}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    yield server
    server.drop_database()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty database (not migrated) on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'intake.db'}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    schema, url = server.create_schema()
    yield url
    server.drop_schema(schema)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh database migrated to head."""
    upgrade_database(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep tests independent of the caller's environment and of each other."""
    for name in ("DATABASE_URL", "INTAKE_ENV", "INTAKE_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    reset_settings()
    yield
    reset_settings()


@pytest.fixture
def rasa_events(engine: Engine) -> Table:
    """Create Rasa's ``events`` table in the test database, as Rasa would."""
    RASA_METADATA.create_all(engine)
    return RASA_EVENTS_TABLE
