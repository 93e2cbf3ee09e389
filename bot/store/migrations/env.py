"""Alembic environment: runs on the caller's connection or on the settings URL.

:func:`bot.store.migrate.upgrade_database` passes an open connection in
``config.attributes["connection"]``; otherwise the engine is built from
``get_settings().database_url``. Rasa's ``events`` table is not ours and is
ignored by autogenerate.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.sql.schema import SchemaItem

from bot.store.engine import make_engine
from bot.store.models import Base

config = context.config
target_metadata = Base.metadata
NOT_OURS = frozenset({"events"})


def include_object(
    obj: SchemaItem,
    name: str | None,
    type_: str,
    reflected: bool,
    compare_to: SchemaItem | None,
) -> bool:
    """Leave tables owned by Rasa out of autogenerate."""
    return not (type_ == "table" and name in NOT_OURS)


def run_migrations(connection: Connection) -> None:
    """Run the migrations on ``connection``."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Entry point: use the given connection, or connect with the app's settings."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = make_engine()
    try:
        with engine.connect() as new_connection:
            run_migrations(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run `intake db upgrade`")
run_migrations_online()
