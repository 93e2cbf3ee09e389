"""Chat replies keep a keyed digest of the message text (a reused id with new text -> 409).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``chat_replies.text_digest`` (nullable: rows written before have none)."""
    with op.batch_alter_table("chat_replies") as batch:
        batch.add_column(sa.Column("text_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Drop ``chat_replies.text_digest``."""
    with op.batch_alter_table("chat_replies") as batch:
        batch.drop_column("text_digest")
