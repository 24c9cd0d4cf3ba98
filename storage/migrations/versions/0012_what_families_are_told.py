"""what families are told, and the conference agenda filled with them

The area's help contact, leaflet, complaints route and family copy lead; the case's children,
category, impact of the harm, child's advocate, language and interpreter need.

The family's own invitation names who helps with travel, childcare, an interpreter or an
advocate; the decision notice says how to disagree or complain; the family copy is released in
time for the social worker's preparation visit; the notice says what changed in the plan.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AREA_TEXTS = (
    ("family_help_contact", 500),
    ("family_leaflet_url", 500),
    ("complaints_text", 2000),
    ("complaints_url", 500),
)


def upgrade() -> None:
    # Plain ADD COLUMN rather than batch mode: on SQLite, batch mode would copy and rename the
    # cases table, which the audit trail's triggers (0010) refer to, and SQLite refuses that.
    for name, length in _AREA_TEXTS:
        op.add_column(
            "areas", sa.Column(name, sa.String(length=length), nullable=False, server_default="")
        )
    op.add_column(
        "areas",
        sa.Column(
            "family_copy_lead_working_days", sa.Integer(), nullable=False, server_default="3"
        ),
    )
    op.add_column("meetings", sa.Column("plan_changes", sa.Text(), nullable=True))
    op.add_column("cases", sa.Column("children", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("cases", sa.Column("category", sa.String(length=32), nullable=True))
    op.add_column("cases", sa.Column("harm_impact", sa.Text(), nullable=True))
    op.add_column("cases", sa.Column("child_advocate", sa.String(length=300), nullable=True))
    op.add_column("cases", sa.Column("language", sa.String(length=200), nullable=True))
    op.add_column(
        "cases",
        sa.Column("interpreter_needed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for name in (
            "interpreter_needed",
            "language",
            "child_advocate",
            "harm_impact",
            "category",
            "children",
        ):
            batch.drop_column(name)
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("plan_changes")
    with op.batch_alter_table("areas") as batch:
        batch.drop_column("family_copy_lead_working_days")
        for name, _ in reversed(_AREA_TEXTS):
            batch.drop_column(name)
