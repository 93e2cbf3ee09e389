"""Migrations: from an empty database to head, idempotent, in step with the models."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from bot.store.engine import make_engine
from bot.store.errors import SchemaOutdatedError
from bot.store.migrate import (
    alembic_config,
    current_revision,
    ensure_current,
    head_revision,
    upgrade_database,
)
from bot.store.models import Base
from tests.store.factories import RASA_METADATA

OUR_TABLES = {
    "intakes",
    "reference_counters",
    "staff_users",
    "api_tokens",
    "audit_events",
    "chat_replies",
}


def test_upgrade_from_empty_creates_every_table_at_head(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        with pytest.raises(SchemaOutdatedError, match="run `intake db upgrade` first"):
            ensure_current(engine)

        assert upgrade_database(db_url) == head_revision()

        tables = set(inspect(engine).get_table_names())
        assert tables >= OUR_TABLES | {"alembic_version"}
        assert "events" not in tables  # Rasa creates its own table
        with engine.connect() as connection:  # what `alembic current` reports
            assert MigrationContext.configure(connection).get_current_revision() == head_revision()
        ensure_current(engine)
    finally:
        engine.dispose()


def test_upgrade_is_idempotent(engine: Engine, db_url: str) -> None:
    assert upgrade_database(db_url) == head_revision()
    assert upgrade_database(db_url) == head_revision()
    assert current_revision(engine) == head_revision()


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_downgrade_to_base_keeps_rasa_events_and_upgrades_again(engine: Engine) -> None:
    RASA_METADATA.create_all(engine)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    tables = set(inspect(engine).get_table_names())
    assert tables.isdisjoint(OUR_TABLES)
    assert "events" in tables
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert set(inspect(engine).get_table_names()) >= OUR_TABLES | {"events"}
    assert current_revision(engine) == head_revision()
