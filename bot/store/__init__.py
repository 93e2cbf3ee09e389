"""The intake database: models, repository functions, migrations.

Typical use (one short session per unit of work)::

    from bot.store import make_engine, save_referral, session_scope

    engine = make_engine()  # DATABASE_URL from bot.settings
    with session_scope(engine) as session:
        intake = save_referral(session, summary=summary)
"""

from __future__ import annotations

from bot.store.engine import make_engine, session_scope
from bot.store.errors import (
    DuplicateUserError,
    SchemaOutdatedError,
    StoreError,
    UnknownUserError,
    ValidationError,
)
from bot.store.migrate import current_revision, ensure_current, head_revision, upgrade_database
from bot.store.models import ApiToken, AuditEvent, ChatReply, Intake, StaffUser
from bot.store.repository import (
    TranscriptEntry,
    create_api_token,
    create_user,
    format_reference,
    get_intake,
    get_user,
    list_intakes,
    load_transcript,
    purge_older_than,
    record_audit,
    revoke_api_token,
    save_referral,
    set_status,
    user_for_token,
    verify_password,
)

__all__ = [
    "ApiToken",
    "AuditEvent",
    "ChatReply",
    "DuplicateUserError",
    "Intake",
    "SchemaOutdatedError",
    "StaffUser",
    "StoreError",
    "TranscriptEntry",
    "UnknownUserError",
    "ValidationError",
    "create_api_token",
    "create_user",
    "current_revision",
    "ensure_current",
    "format_reference",
    "get_intake",
    "get_user",
    "head_revision",
    "list_intakes",
    "load_transcript",
    "make_engine",
    "purge_older_than",
    "record_audit",
    "revoke_api_token",
    "save_referral",
    "session_scope",
    "set_status",
    "upgrade_database",
    "user_for_token",
    "verify_password",
]
