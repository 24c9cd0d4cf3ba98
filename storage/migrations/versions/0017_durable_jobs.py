"""durable jobs: the work a person's click leaves for after Slack's answer

What a listener used to leave to a thread of the serving process (creating a case's channel,
re-rendering an invitation, re-planning, uploading documents) is a row here, written in the same
transaction as the change that caused it, so a crash after the answer loses nothing: a worker
claims it (as the dispatcher claims outbox rows) and runs it again. `key` makes a repeated click
one job; `pending_key` lets refreshes of one thing coalesce while one waits.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=True),
        sa.Column("pending_key", sa.String(length=255), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
        sa.UniqueConstraint("pending_key"),
    )
    op.create_index("ix_jobs_state_due", "jobs", ["state", "due_at"])
    op.create_index("ix_jobs_case_id", "jobs", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_jobs_case_id", table_name="jobs")
    op.drop_index("ix_jobs_state_due", table_name="jobs")
    op.drop_table("jobs")
