"""ORM models of the intake database (SQLAlchemy 2.0 declarative style).

Rasa's own tracker-store table ``events`` lives in the same database but is
created and owned by Rasa; it is described in :mod:`bot.store.transcripts`,
outside this metadata, so migrations never touch it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.store.columns import JSONDocument, UTCDateTime, utcnow

__all__ = [
    "CHAT_REPLY_STATUSES",
    "INTAKE_STATUSES",
    "ROLES",
    "TRIAGE_LEVELS",
    "ApiToken",
    "AuditEvent",
    "Base",
    "ChatReply",
    "Intake",
    "ReferenceCounter",
    "StaffUser",
]

INTAKE_STATUSES: Final = ("new", "reviewed", "archived")
TRIAGE_LEVELS: Final = ("emergency", "physician_clearance", "caution", "routine")
ROLES: Final = ("therapist", "staff", "admin")
CHAT_REPLY_STATUSES: Final = ("pending", "done")

# Stable constraint names, so later migrations can refer to them on every backend.
NAMING_CONVENTION: Final = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    """Declarative base of every intake-database table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Intake(Base):
    """One patient's referral summary, at most one per conversation."""

    __tablename__ = "intakes"
    __table_args__ = (
        CheckConstraint(_one_of("status", INTAKE_STATUSES), name="status"),
        CheckConstraint(
            "triage_level IS NULL OR " + _one_of("triage_level", TRIAGE_LEVELS),
            name="triage_level",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255), unique=True)
    #: Human-friendly, per-year sequence: ``MM-2026-000123``.
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="new", server_default="new", index=True)
    triage_level: Mapped[str | None] = mapped_column(String(32), index=True)
    top_condition: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Emergency-stopped or otherwise incomplete intake.
    partial: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: A person must look at it soon (handoff requested, emergency).
    needs_staff: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), index=True
    )
    #: The referral summary of the intake contract (section 3).
    summary: Mapped[dict[str, Any]] = mapped_column(JSONDocument)

    def __repr__(self) -> str:  # no PHI in reprs: they end up in logs and tracebacks
        return f"Intake(id={self.id!r}, reference={self.reference!r}, status={self.status!r})"


class ReferenceCounter(Base):
    """Last reference number handed out per calendar year (UTC)."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class StaffUser(Base):
    """A therapist, staff member or administrator who can log in."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    #: ``scrypt$n$r$p$salt$hash`` (see :mod:`bot.store.passwords`).
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"StaffUser(id={self.id!r}, username={self.username!r}, role={self.role!r})"


class ApiToken(Base):
    """An API token of a staff user; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The token's first characters, for display and lookup.
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[StaffUser] = relationship(back_populates="tokens")

    def __repr__(self) -> str:
        return f"ApiToken(id={self.id!r}, prefix={self.prefix!r})"


class AuditEvent(Base):
    """Who did what to which record. ``details`` holds ids and counts, never PHI."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: A staff username, or ``system``.
    actor: Mapped[str] = mapped_column(String(64))
    #: e.g. ``intake.read``, ``intake.purge``, ``token.create``.
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)


class ChatReply(Base):
    """The web gateway's record of one patient message, for idempotent retries."""

    __tablename__ = "chat_replies"
    __table_args__ = (
        UniqueConstraint("conversation_id", "client_message_id"),
        CheckConstraint(_one_of("status", CHAT_REPLY_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255))
    client_message_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    replies: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: HMAC-SHA256 of the message text under the gateway's secret key (never the text):
    #: a reused client message id with different text is refused, not replayed.
    text_digest: Mapped[str | None] = mapped_column(String(64))
