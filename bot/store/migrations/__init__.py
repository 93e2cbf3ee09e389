"""Alembic migration environment of the intake database (see bot.store.migrate)."""
