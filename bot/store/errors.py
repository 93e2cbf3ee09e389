"""Exceptions raised by the store; the CLI and the gateway turn them into messages."""

from __future__ import annotations

__all__ = [
    "DuplicateUserError",
    "SchemaOutdatedError",
    "StoreError",
    "UnknownUserError",
    "ValidationError",
]


class StoreError(Exception):
    """Base class of the store's own errors (their messages are safe to show)."""


class ValidationError(StoreError, ValueError):
    """An argument is out of range or malformed (bad role, short password, ...)."""


class DuplicateUserError(StoreError):
    """A staff user with this username already exists."""


class UnknownUserError(StoreError):
    """No staff user has this username."""


class SchemaOutdatedError(StoreError):
    """The database is not migrated to the current head revision."""
