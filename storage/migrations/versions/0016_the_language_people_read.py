"""the language people read: an area's default, a case's, and each person's own

Welsh authorities offer every service in Welsh: the area has a default language (English, Welsh or
bilingual), each case one for its channel and documents, and each person their own choice (or, until
they choose, what their Slack locale says).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN rather than batch mode: on SQLite, batch mode would copy and rename the
    # cases table, which the audit trail's triggers refer to, and SQLite refuses that.
    op.add_column(
        "areas",
        sa.Column("language", sa.String(length=32), nullable=False, server_default="en"),
    )
    op.add_column(
        "cases",
        sa.Column("bot_language", sa.String(length=32), nullable=False, server_default="en"),
    )
    op.create_table(
        "person_languages",
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=32), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slack_user_id"),
    )


def downgrade() -> None:
    op.drop_table("person_languages")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("bot_language")
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_column("language")
