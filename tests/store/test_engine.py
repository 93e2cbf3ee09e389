"""bot.store.engine: SQLite file safety and tuning, URL handling, session scopes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from bot.store.engine import make_engine, normalize_url, session_scope, sqlite_path
from bot.store.models import ApiToken, AuditEvent
from bot.store.repository import record_audit


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Run with umask 000, so only the code's own chmod can make files private."""
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("open_umask")
def test_sqlite_creates_private_folders_and_file(tmp_path: Path) -> None:
    db = tmp_path / "deploy" / "var" / "intake.db"
    engine = make_engine(f"sqlite:///{db}")
    try:
        assert mode(tmp_path / "deploy") == 0o700
        assert mode(db.parent) == 0o700
        assert mode(db) == 0o600
        with engine.connect() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
        for sidecar in db.parent.glob("intake.db-*"):  # WAL and shared-memory files
            assert mode(sidecar) == 0o600, sidecar.name
    finally:
        engine.dispose()


def test_existing_folder_permissions_are_not_changed(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    make_engine(f"sqlite:///{shared / 'intake.db'}").dispose()
    assert mode(shared) == 0o755
    assert mode(shared / "intake.db") == 0o600


def test_default_url_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "var" / "from-settings.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    engine = make_engine()
    try:
        assert sqlite_path(engine.url) == db
        assert db.exists()
    finally:
        engine.dispose()


def test_sqlite_pragmas_are_set_on_every_connection(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'intake.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
        ("sqlite:///x.db", "sqlite"),
    ],
)
def test_normalize_url_uses_psycopg_3(url: str, driver: str) -> None:
    assert normalize_url(url).drivername == driver


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "postgresql://u@h/db"])
def test_sqlite_path_is_none_without_a_file(url: str) -> None:
    assert sqlite_path(url) is None


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(ApiToken(user_id=4242, token_hash="0" * 64, prefix="mmi_00000000"))


def test_session_scope_commits_or_rolls_back(engine: Engine) -> None:
    with session_scope(engine) as session:
        record_audit(session, actor="system", action="test.kept")
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        record_audit(session, actor="system", action="test.dropped")
        session.flush()
        raise RuntimeError("boom")
    with session_scope(engine) as session:
        actions = session.scalars(select(AuditEvent.action)).all()
        assert actions == ["test.kept"]
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_objects_stay_usable_after_the_scope(engine: Engine) -> None:
    with session_scope(engine) as session:
        event = record_audit(session, actor="system", action="test.detached")
    assert event.id is not None
    assert event.action == "test.detached"
