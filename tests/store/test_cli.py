"""The ``intake`` console script, end to end in a subprocess, on a real database."""

from __future__ import annotations

import getpass
import os
import stat
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import cli
from bot.settings import REPO_ROOT
from bot.store.engine import make_engine, session_scope, sqlite_path
from bot.store.migrate import head_revision, upgrade_database
from bot.store.models import ROLES, AuditEvent
from bot.store.repository import user_for_token

INTAKE = REPO_ROOT / ".venv-app" / "bin" / "intake"
PASSWORD = "correct horse battery\n"
Run = Callable[..., subprocess.CompletedProcess[str]]


def runner(db_url: str, home: Path) -> Run:
    """Return a function running ``intake ARGS`` with DATABASE_URL set to ``db_url``."""
    env = {**os.environ, "DATABASE_URL": db_url, "INTAKE_ENV": "development", "HOME": str(home)}

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(INTAKE), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture
def intake(db_url: str, tmp_path: Path) -> Run:
    """``intake`` on a fresh database of each backend."""
    return runner(db_url, tmp_path)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database under a ``var/`` folder that does not exist yet."""
    return f"sqlite:///{tmp_path / 'var' / 'intake.db'}"


@pytest.fixture
def intake_sqlite(sqlite_url: str, tmp_path: Path) -> Run:
    """``intake`` on SQLite only, for behaviour that does not depend on the backend."""
    return runner(sqlite_url, tmp_path)


def test_commands_refuse_a_database_that_is_not_migrated(intake: Run) -> None:
    result = intake("token", "create", "alice")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "run `intake db upgrade` first" in result.stderr


def test_admin_flow_upgrade_user_token(intake: Run, db_url: str) -> None:
    upgrade = intake("db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    assert head_revision() in upgrade.stdout

    added = intake("user", "add", "alice", "--role", "therapist", stdin=PASSWORD)
    assert added.returncode == 0, added.stderr
    assert added.stdout == ""

    created = intake("token", "create", "alice")
    assert created.returncode == 0, created.stderr
    lines = created.stdout.splitlines()
    assert len(lines) == 1
    assert created.stdout == lines[0] + "\n"
    token = lines[0]
    assert token.startswith("mmi_")

    engine = make_engine(db_url)
    try:
        with session_scope(engine) as session:
            user = user_for_token(session, token)
            assert user is not None
            assert (user.username, user.role) == ("alice", "therapist")
            actions = [e.action for e in session.query(AuditEvent).order_by(AuditEvent.id)]
            assert actions == ["user.create", "token.create"]
    finally:
        engine.dispose()

    duplicate = intake("user", "add", "alice", "--role", "staff", stdin=PASSWORD)
    assert duplicate.returncode != 0
    assert "user 'alice' already exists" in duplicate.stderr

    purged = intake("purge", "--older-than", "30")
    assert purged.returncode == 0, purged.stderr
    assert purged.stdout.startswith("0 intake(s)")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("user", "add", "bob", "--role", "staff"), "short\n", "at least 10 characters"),
        (("user", "add", "bob", "--role", "staff"), "", "at least 10 characters"),
        (("user", "add", "b b", "--role", "staff"), PASSWORD, "username must be"),
        (("token", "create", "nobody"), "", "no active user 'nobody'"),
    ],
)
def test_command_errors_exit_1_with_a_clear_message(
    intake: Run, db_url: str, args: tuple[str, ...], stdin: str, message: str
) -> None:
    upgrade_database(db_url)  # in-process: the subprocess under test is the failing command
    result = intake(*args, stdin=stdin)
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("user", "add", "bob", "--role", "boss"), "invalid choice: 'boss'"),
        (("user", "add", "bob"), "--role"),
        (("purge", "--older-than", "0"), "DAYS must be at least 1"),
        (("purge", "--older-than", "soon"), "not a whole number"),
        ((), "usage: intake"),
    ],
)
def test_usage_errors_exit_2_with_a_clear_message(
    intake_sqlite: Run, args: tuple[str, ...], message: str
) -> None:
    result = intake_sqlite(*args, stdin=PASSWORD)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_db_upgrade_creates_private_var_folder_and_file(
    intake_sqlite: Run, sqlite_url: str
) -> None:
    path = sqlite_path(sqlite_url)
    assert path is not None
    assert not path.parent.exists()
    assert intake_sqlite("db", "upgrade").returncode == 0
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_help_lists_every_command() -> None:
    result = subprocess.run(
        [str(INTAKE), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0
    for command in ("db", "user", "token", "purge", "train", "faq"):
        assert f"    {command} " in result.stdout


def test_cli_import_is_light() -> None:
    code = (
        "import sys, bot.cli; "
        "print([m for m in ('sqlalchemy', 'alembic', 'spacy', 'rasa_sdk', 'bot.train', 'bot.faq')"
        " if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_cli_roles_match_the_model() -> None:
    assert cli.ROLES == ROLES


@pytest.mark.parametrize(
    ("argv", "module", "forwarded"),
    [
        (["train", "--force"], "bot.train", ["--force"]),
        (
            ["faq", "add", "--question", "Do you take insurance?"],
            "bot.faq",
            ["add", "--question", "Do you take insurance?"],
        ),
        (["faq", "list"], "bot.faq", ["list"]),
    ],
)
def test_train_and_faq_are_delegated_untouched(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], module: str, forwarded: list[str]
) -> None:
    received: list[list[str]] = []
    stand_in = types.ModuleType(module)

    def main(args: list[str]) -> int:
        received.append(args)
        return 3

    stand_in.main = main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module, stand_in)
    assert cli.main(argv) == 3
    assert received == [forwarded]


def test_password_prompt_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["correct horse battery", "correct horse battery"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt: next(answers))
    assert cli._read_password(stdin_is_tty=True) == "correct horse battery"

    answers = iter(["correct horse battery", "something else entirely"])
    with pytest.raises(cli.CommandError, match="do not match"):
        cli._read_password(stdin_is_tty=True)
