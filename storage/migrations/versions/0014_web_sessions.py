"""web page: sign-in links, sessions, the link-signing key, the per-area covering index

Revision ID: 0014
Revises: 0010
Create Date: 2026-11-30

One-time sign-in links (web_login), browser sessions (web_session) and the key that signs the
links when the config names none (web_key); and the covering index the overview's per-area
figures are read from, which replaces the plain index on task.area_id.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain CREATE/DROP INDEX: no table rebuild, so task's tally triggers (0008) stay. The
    # covering index leads with area_id, so it serves lookups by area too and replaces the
    # plain one: a task write maintains as many indexes as before.
    op.create_index(
        "ix_task_area_figures",
        "task",
        ["area_id", "plan_id", "state", "completed_on", "deadline", "progress"],
    )
    op.drop_index("ix_task_area_id", table_name="task")
    op.create_table(
        "web_login",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("officer_id", sa.Integer(), sa.ForeignKey("officer.id"), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_web_login_officer_id", "web_login", ["officer_id"])
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("officer_id", sa.Integer(), sa.ForeignKey("officer.id"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_web_session_officer_id", "web_session", ["officer_id"])
    op.create_table(
        "web_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.create_index("ix_task_area_id", "task", ["area_id"])
    op.drop_index("ix_task_area_figures", table_name="task")
    op.drop_table("web_key")
    op.drop_index("ix_web_session_officer_id", table_name="web_session")
    op.drop_table("web_session")
    op.drop_index("ix_web_login_officer_id", table_name="web_login")
    op.drop_table("web_login")
