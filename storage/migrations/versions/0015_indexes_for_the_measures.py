"""indexes for the measures: a year's counting reads two indexes instead of two tables

The managers' measures count every invitation of the period's held meetings (attendance, and the
quorum each conference reached and when its replies first forecast it), and every update request
due in the period by member. Each index holds all the columns its count reads, so the counting
walks the index alone: by meeting for the invitations, by member for the update requests (in
the order the per-member count groups them, so nothing is sorted). The few updates that report
new harm have a partial index of their own, by the time they were sent.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_invitations_meeting_replies",
        "invitations",
        ["meeting_id", "member_id", "attendance", "rsvp", "replied_at"],
    )
    op.create_index(
        "ix_update_requests_member_due",
        "update_requests",
        ["member_id", "due_at", "received_at", "status"],
    )
    op.create_index(
        "ix_agency_updates_new_harm",
        "agency_updates",
        ["submitted_at"],
        sqlite_where=sa.text("new_harm = 1"),
        postgresql_where=sa.text("new_harm"),
    )


def downgrade() -> None:
    op.drop_index("ix_agency_updates_new_harm", table_name="agency_updates")
    op.drop_index("ix_update_requests_member_due", table_name="update_requests")
    op.drop_index("ix_invitations_meeting_replies", table_name="invitations")
