"""Initial schema: intakes, reference counters, staff users, API tokens, audit, chat replies.

Rasa's tracker-store table ``events`` is created by Rasa itself, not here.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _when(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create every table of the intake database."""
    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="new", nullable=False),
        sa.Column("triage_level", sa.String(length=32), nullable=True),
        sa.Column("top_condition", sa.String(length=64), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("partial", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("needs_staff", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("summary", _json(), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'reviewed', 'archived')", name=op.f("ck_intakes_status")
        ),
        sa.CheckConstraint(
            "triage_level IS NULL OR triage_level IN "
            "('emergency', 'physician_clearance', 'caution', 'routine')",
            name=op.f("ck_intakes_triage_level"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intakes")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_intakes_conversation_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_intakes_reference")),
    )
    op.create_index(op.f("ix_intakes_created_at"), "intakes", ["created_at"])
    op.create_index(op.f("ix_intakes_needs_staff"), "intakes", ["needs_staff"])
    op.create_index(op.f("ix_intakes_status"), "intakes", ["status"])
    op.create_index(op.f("ix_intakes_triage_level"), "intakes", ["triage_level"])

    op.create_table(
        "reference_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_value", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_reference_counters")),
    )

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        _when("created_at"),
        sa.CheckConstraint(
            "role IN ('therapist', 'staff', 'admin')", name=op.f("ck_staff_users_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_users_username")),
    )

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        _when("created_at"),
        _when("last_used_at", nullable=True),
        _when("revoked_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_users.id"],
            name=op.f("fk_api_tokens_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_prefix"), "api_tokens", ["prefix"])
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        _when("at"),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=True),
        sa.Column("details", _json(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_action"), "audit_events", ["action"])
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"])

    op.create_table(
        "chat_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("client_message_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("replies", _json(), nullable=True),
        _when("created_at"),
        sa.CheckConstraint("status IN ('pending', 'done')", name=op.f("ck_chat_replies_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_replies")),
        sa.UniqueConstraint(
            "conversation_id",
            "client_message_id",
            name=op.f("uq_chat_replies_conversation_id_client_message_id"),
        ),
    )
    op.create_index(op.f("ix_chat_replies_created_at"), "chat_replies", ["created_at"])


def downgrade() -> None:
    """Drop every table of the intake database (Rasa's ``events`` stays)."""
    for table in (
        "chat_replies",
        "audit_events",
        "api_tokens",
        "staff_users",
        "reference_counters",
        "intakes",
    ):
        op.drop_table(table)
