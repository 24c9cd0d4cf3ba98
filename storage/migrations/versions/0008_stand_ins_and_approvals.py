"""stand-ins: who sent a cover's update, and requests for the social worker's approval

A cover's update records the cover who sent it, so it can be shown as "sent by X for Y". A
stand-in from another agency, or someone a family member brings, waits for the social worker's
approval in approval_requests; nothing it asks for happens before then.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "approval_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("requested_by", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("subject_user", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("approval_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_approval_requests_case_id"), ["case_id"], unique=False)
    with op.batch_alter_table("agency_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cover_member_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_agency_updates_cover_member_id_members", "members", ["cover_member_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("agency_updates", schema=None) as batch_op:
        batch_op.drop_constraint("fk_agency_updates_cover_member_id_members", type_="foreignkey")
        batch_op.drop_column("cover_member_id")
    with op.batch_alter_table("approval_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_requests_case_id"))
    op.drop_table("approval_requests")
