"""which day's run of a once-a-day job has finished

Several replicas share one PostgreSQL database; each runs the daily job, and the first to finish
a day's run records it here so the others do not repeat its work with Slack.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("worker", sa.String(length=128), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job", "day"),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
