"""indexes for the measures: a year's counting reads two indexes instead of two tables

The managers' measures count every invitation of the period's held meetings (attendance, and the
quorum each conference reached and when its replies first forecast it), and every update request
due in the period by member. Each index holds all the columns its count reads, so the counting
walks the index alone: by meeting for the invitations, by member for the update requests (in
the order the per-member count groups them, so nothing is sorted).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23
"""

from collections.abc import Sequence

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


def downgrade() -> None:
    op.drop_index("ix_update_requests_member_due", table_name="update_requests")
    op.drop_index("ix_invitations_meeting_replies", table_name="invitations")
