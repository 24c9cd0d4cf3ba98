"""retention per area, purges under way, and the audit trail's one deletion path

An area says whether a purge waits for an export. A purge under way is a row in case_purges,
created before anything is deleted and removed with the case's rows, so a purge interrupted at any
step resumes. The audit trail stays append-only with one exception designed into its triggers: the
events of a case may be deleted while that case is closed, has a purge under way, and the bot's
messages and files in Slack are already gone. Every UPDATE is still refused, and so is any other
DELETE (a purge's tombstone belongs to no case, so it can never be deleted this way).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = "audit_events is append-only: record a new event instead"

# The one deletion the audit trail allows: the row's case is being purged (see the docstring).
PURGE_UNDER_WAY = (
    "EXISTS (SELECT 1 FROM case_purges p JOIN cases c ON c.id = p.case_id "
    "WHERE p.case_id = OLD.case_id AND c.status <> 'open' AND p.slack_done_at IS NOT NULL)"
)


def upgrade() -> None:
    with op.batch_alter_table("areas") as batch:
        batch.add_column(
            sa.Column("purge_needs_export", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "case_purges",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("export_checksum", sa.String(length=80), nullable=True),
        sa.Column("slack_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("case_id"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' AND {PURGE_UNDER_WAY} THEN RETURN OLD; END IF; "
            f"RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            f"WHEN NOT {PURGE_UNDER_WAY} BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )
    op.drop_table("case_purges")
    with op.batch_alter_table("areas") as batch:
        batch.drop_column("purge_needs_export")
