"""the calendar file a meeting's current SEQUENCE was uploaded as

A meeting's .ics is uploaded by a job after the answer, which may run again after a crash. The
file is uploaded first and its id recorded, then shared; run again, the step finds the recorded
file shared already (and does nothing) or shares it then, so no second file is ever posted.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_file_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("calendar_file_sequence", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("calendar_file_sequence")
        batch_op.drop_column("calendar_file_id")
