"""conference quorum kept current: each conference's quorum counted once, not every time it is read

The managers' measures counted every held conference's quorum from its invitations on each
reading: at 10,000 cases, most of a year's second. Now each conference's count (whether someone's
attendance is recorded, whether it was quorate, when its replies first made the forecast met) is
kept in `conference_quorum`, and counted again only when something it reads has changed.

What it reads can change in several places: an invitation (a reply, its time, who came), a
member (agency, direct contact, role, still on the core group), an area's quorum rules, or the
area a case belongs to. Rather than every service remembering to say so, the database's triggers
note the conference in `quorum_changes` in the same transaction as the change; the measures take
those notes and count their conferences again before reading. Every conference already here is
noted, so the first reading counts them all.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each trigger: its name, its table, what fires it, and the conferences it notes.
_NOTE_NEW = (
    "INSERT INTO quorum_changes (meeting_id) "
    "SELECT id FROM meetings WHERE id = NEW.meeting_id AND kind IN ('icpc', 'rcpc')"
)
_NOTE_OLD = (
    "INSERT INTO quorum_changes (meeting_id) "
    "SELECT id FROM meetings WHERE id = OLD.meeting_id AND kind IN ('icpc', 'rcpc')"
)
TRIGGERS = (
    ("quorum_invitation_added", "invitations", "INSERT", [_NOTE_NEW]),
    (
        "quorum_invitation_changed",
        "invitations",
        "UPDATE OF meeting_id, member_id, rsvp, replied_at, attendance",
        [_NOTE_NEW, _NOTE_OLD + " AND OLD.meeting_id <> NEW.meeting_id"],
    ),
    (
        "quorum_invitation_removed",
        "invitations",
        "DELETE",
        [_NOTE_OLD],
    ),
    (
        "quorum_member_changed",
        "members",
        "UPDATE OF agency, direct_contact, role, active",
        [
            "INSERT INTO quorum_changes (meeting_id) "
            "SELECT i.meeting_id FROM invitations i JOIN meetings m ON m.id = i.meeting_id "
            "WHERE i.member_id = NEW.id AND m.kind IN ('icpc', 'rcpc')"
        ],
    ),
    (
        "quorum_area_changed",
        "areas",
        "UPDATE OF quorum_min_other_agencies, health_counts_as_one_agency",
        [
            "INSERT INTO quorum_changes (meeting_id) "
            "SELECT m.id FROM meetings m JOIN cases c ON c.id = m.case_id "
            "WHERE c.area_id = NEW.id AND m.kind IN ('icpc', 'rcpc')"
        ],
    ),
    (
        "quorum_case_moved",
        "cases",
        "UPDATE OF area_id",
        [
            "INSERT INTO quorum_changes (meeting_id) "
            "SELECT id FROM meetings WHERE case_id = NEW.id AND kind IN ('icpc', 'rcpc')"
        ],
    ),
)


def upgrade() -> None:
    op.create_table(
        "conference_quorum",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("recorded", sa.Boolean(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("known_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"]),
        sa.PrimaryKeyConstraint("meeting_id"),
    )
    op.create_table(
        "quorum_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, table, when, body in TRIGGERS:
        statements = "; ".join(body)
        if postgres:
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN {statements}; RETURN NULL; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {name} AFTER {when} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        else:
            op.execute(f"CREATE TRIGGER {name} AFTER {when} ON {table} BEGIN {statements}; END")
    # Every conference already here is counted at the first reading.
    op.execute(
        "INSERT INTO quorum_changes (meeting_id) "
        "SELECT id FROM meetings WHERE kind IN ('icpc', 'rcpc')"
    )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, table, _, _ in TRIGGERS:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("quorum_changes")
    op.drop_table("conference_quorum")
