"""urgent contact of an area

The update form says it is not a referral and names whom to contact when a child is at risk now:
each area sets its own.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

URGENT_CONTACT = (
    "your children's services front door (out of hours: the emergency duty team), "
    "or 999 if a child is in immediate danger"
)


def upgrade() -> None:
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "urgent_contact",
                sa.String(length=300),
                nullable=False,
                server_default=URGENT_CONTACT,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_column("urgent_contact")
