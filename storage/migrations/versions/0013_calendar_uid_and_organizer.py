"""calendar uid of meetings and calendar organizer of areas

A meeting's calendar files carry a UID that no other deployment repeats (a random UUID, given to
each existing meeting here), and name the area's address as their ORGANIZER.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23
"""

from collections.abc import Sequence
from uuid import uuid4

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CALENDAR_ORGANIZER = "coregroup-bot@coregroup.invalid"


def upgrade() -> None:
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "calendar_organizer",
                sa.String(length=254),
                nullable=False,
                server_default=CALENDAR_ORGANIZER,
            )
        )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_uid", sa.String(length=36), nullable=True))
    # Each existing meeting gets its own random UID before the column becomes required.
    connection = op.get_bind()
    meetings = sa.table("meetings", sa.column("id", sa.Integer), sa.column("calendar_uid"))
    for (meeting_id,) in connection.execute(sa.select(meetings.c.id)).all():
        connection.execute(
            meetings.update().where(meetings.c.id == meeting_id).values(calendar_uid=str(uuid4()))
        )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("calendar_uid", existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint("uq_meetings_calendar_uid", ["calendar_uid"])


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_constraint("uq_meetings_calendar_uid", type_="unique")
        batch_op.drop_column("calendar_uid")
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_column("calendar_organizer")
