"""The ``intake`` command line.

::

    intake db upgrade                         migrate the database to the newest schema
    intake user add USERNAME --role ROLE      password from stdin (first line) or prompted twice
    intake token create USERNAME              prints the new API token on stdout, nothing else
    intake purge --older-than DAYS            delete intakes and transcripts older than DAYS
    intake train [ARGS...]                    -> bot.train.main(ARGS)
    intake faq add|list [ARGS...]             -> bot.faq.main(["add"|"list", ARGS...])

The database is ``DATABASE_URL`` (see :mod:`bot.settings`).

Schema policy: migrations are explicit. Only ``intake db upgrade`` changes the
schema; every other database command first checks that the database is at
the head revision and otherwise stops with "run `intake db upgrade` first"
(exit code 1). The same rule holds for SQLite and PostgreSQL, so nothing is
migrated by surprise in production.

Output: results on stdout, messages and errors on stderr. Exit codes: 0 ok,
1 error (message on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["main"]

# Mirrors bot.store.models.ROLES (a test keeps them equal); not imported, to start fast.
ROLES = ("therapist", "staff", "admin")
#: Subcommands delegated to another module's ``main(argv)``, imported only when run.
DELEGATED = {"train": "bot.train", "faq": "bot.faq"}
#: Audit actor of CLI commands: whoever has shell access acts as the system.
OPERATOR = "system"


class CommandError(Exception):
    """A failure to report on stderr with exit code 1."""


def _err(message: str) -> None:
    print(message, file=sys.stderr)


# --- db -------------------------------------------------------------------------------


def _db_upgrade(args: argparse.Namespace) -> int:
    from bot.store.migrate import upgrade_database

    revision = upgrade_database()
    print(f"database at revision {revision}")
    return 0


# --- helpers for commands that use the database ---------------------------------------


@contextmanager
def _database() -> Iterator[Engine]:
    """Yield an engine on DATABASE_URL, refusing a database that is not migrated."""
    from bot.store.engine import make_engine
    from bot.store.migrate import ensure_current

    engine = make_engine()
    try:
        ensure_current(engine)
        yield engine
    finally:
        engine.dispose()


def _read_password(stdin_is_tty: bool) -> str:
    from bot.store.passwords import MIN_PASSWORD_LENGTH

    if stdin_is_tty:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            raise CommandError("error: the passwords do not match")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CommandError(f"error: the password must be at least {MIN_PASSWORD_LENGTH} characters")
    return password


# --- user / token / purge -------------------------------------------------------------


def _user_add(args: argparse.Namespace) -> int:
    from bot.store.engine import session_scope
    from bot.store.staff import create_user

    with _database() as engine:
        password = _read_password(sys.stdin.isatty())
        with session_scope(engine) as session:
            user = create_user(
                session, username=args.username, role=args.role, password=password, actor=OPERATOR
            )
    _err(f"created user {user.username!r} with role {user.role}")
    return 0


def _token_create(args: argparse.Namespace) -> int:
    from bot.store.engine import session_scope
    from bot.store.staff import create_api_token

    with _database() as engine, session_scope(engine) as session:
        token = create_api_token(session, username=args.username, actor=OPERATOR)
    print(token)
    _err("store this token now: it cannot be shown again")
    return 0


def _purge(args: argparse.Namespace) -> int:
    from bot.store.engine import session_scope
    from bot.store.retention import purge_older_than

    with _database() as engine, session_scope(engine) as session:
        count = purge_older_than(session, days=args.older_than, actor=OPERATOR)
    print(f"{count} intake(s) older than {args.older_than} day(s) purged")
    return 0


# --- delegated: train, faq ------------------------------------------------------------


def _delegate(command: str, argv: list[str]) -> int:
    """Run ``<module>.main(argv)`` for a delegated subcommand (imported lazily)."""
    module_name = DELEGATED[command]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        _err(f"error: `intake {command}` is not available in this version ({module_name} missing)")
        return 1
    entry: Callable[[list[str]], int | None] = module.main
    return int(entry(argv) or 0)


# --- parser ---------------------------------------------------------------------------


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {value!r}") from None
    if days < 1:
        raise argparse.ArgumentTypeError("DAYS must be at least 1")
    return days


def build_parser() -> argparse.ArgumentParser:
    """Return the ``intake`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="intake", description="Medical massage intake assistant: administration."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="migrate to the newest schema").set_defaults(
        handler=_db_upgrade
    )

    user = commands.add_parser("user", help="staff users")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    user_add = user_commands.add_parser(
        "add", help="add a staff user (password: first line of stdin, or prompted)"
    )
    user_add.add_argument("username")
    user_add.add_argument("--role", required=True, choices=ROLES)
    user_add.set_defaults(handler=_user_add)

    token = commands.add_parser("token", help="API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    token_create = token_commands.add_parser(
        "create", help="create an API token and print it (stdout: the token only)"
    )
    token_create.add_argument("username")
    token_create.set_defaults(handler=_token_create)

    purge = commands.add_parser("purge", help="delete old intakes, transcripts and chat replies")
    purge.add_argument("--older-than", required=True, type=_days, metavar="DAYS")
    purge.set_defaults(handler=_purge)

    # Delegated commands: main() hands their arguments over untouched; these
    # entries exist for `intake --help`.
    commands.add_parser("train", help="train the Rasa model (bot.train)", add_help=False)
    commands.add_parser("faq", help="add|list FAQ entries (bot.faq)", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``intake`` command line; return the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args_list and args_list[0] in DELEGATED:
        return _delegate(args_list[0], args_list[1:])

    args = build_parser().parse_args(args_list)
    from sqlalchemy.exc import OperationalError

    from bot.settings import SettingsError
    from bot.store.errors import StoreError

    try:
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except (StoreError, SettingsError) as exc:
        message = str(exc)
        _err(message if message.startswith("error:") else f"error: {message}")
    except CommandError as exc:
        _err(str(exc))
    except OperationalError as exc:
        _err(f"error: cannot use the database: {str(exc.orig).strip()}")
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
