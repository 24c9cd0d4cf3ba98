"""family served separately: a case's safety setting, each member's own plan, released words

Where family members must not see each other's words (domestic abuse, a protective order), the
social worker marks the case so: family-side members are served by direct message, each with their
own copy of the plan (remembered per member, so it is updated in place), and they read another
family member's words only once the social worker releases them (word_releases).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN rather than batch mode: on SQLite, batch mode would copy and rename the
    # cases table, which the audit trail's triggers refer to, and SQLite refuses that.
    op.add_column(
        "cases",
        sa.Column("family_separate", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("members", sa.Column("plan_channel", sa.String(length=32), nullable=True))
    op.add_column("members", sa.Column("plan_ts", sa.String(length=32), nullable=True))
    op.create_table(
        "word_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_member_id", sa.Integer(), nullable=False),
        sa.Column("reader_member_id", sa.Integer(), nullable=False),
        sa.Column("released_by", sa.String(length=32), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["author_member_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["reader_member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("author_member_id", "reader_member_id"),
    )
    with op.batch_alter_table("word_releases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_word_releases_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("word_releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_word_releases_case_id"))
    op.drop_table("word_releases")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("plan_ts")
        batch_op.drop_column("plan_channel")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("family_separate")
