"""messages whose effects were committed, by the messenger's id

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30

`seen_message` holds (channel, the messenger's id of a message) for each message from a chat
whose command wrote something, in the same transaction: a redelivery of it (a crash before
Telegram was told it arrived, a webhook retried on another instance) changes nothing twice.
storage/seen.py writes and forgets them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seen_message",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("message_key", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "message_key"),
    )
    op.create_index("ix_seen_message_seen_at", "seen_message", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_seen_message_seen_at", table_name="seen_message")
    op.drop_table("seen_message")
