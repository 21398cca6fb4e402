"""the leader lease: one instance at a time dispatches the outbox

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-30

Several `nhacviec run` processes may share one database. Telegram limits a bot (30 messages a
second overall, one a second to a private chat, 20 a minute to a group), not a process: one
elected dispatcher paces every message, and the others take over when it stops renewing its
lease.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "leader_lease",
        sa.Column("name", sa.String(length=32), primary_key=True),
        sa.Column("holder", sa.String(length=96), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("leader_lease")
