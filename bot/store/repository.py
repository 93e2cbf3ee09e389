"""Repository functions of the intake database, in one import.

Every function takes a :class:`~sqlalchemy.orm.Session` first and
keyword-only arguments after it, and works inside the caller's transaction
(open one with :func:`bot.store.engine.session_scope`); none commits.
The implementations live in small modules by subject:
:mod:`~bot.store.intakes`, :mod:`~bot.store.transcripts`,
:mod:`~bot.store.retention`, :mod:`~bot.store.staff`, :mod:`~bot.store.audit`.
"""

from __future__ import annotations

from bot.store.audit import record_audit
from bot.store.intakes import format_reference, get_intake, list_intakes, save_referral, set_status
from bot.store.retention import purge_older_than
from bot.store.staff import (
    create_api_token,
    create_user,
    get_user,
    revoke_api_token,
    user_for_token,
    verify_password,
)
from bot.store.transcripts import TranscriptEntry, load_transcript

__all__ = [
    "TranscriptEntry",
    "create_api_token",
    "create_user",
    "format_reference",
    "get_intake",
    "get_user",
    "list_intakes",
    "load_transcript",
    "purge_older_than",
    "record_audit",
    "revoke_api_token",
    "save_referral",
    "set_status",
    "user_for_token",
    "verify_password",
]
