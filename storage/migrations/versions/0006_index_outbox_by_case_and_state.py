"""index the outbox by case and state

Planning reads only the live (pending or cancelled) rows of the cases it plans; without this
index a database may walk every pending row in the outbox to find them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_case_state", ["case_id", "state"], unique=False)
        batch_op.drop_index(batch_op.f("ix_outbox_case_id"))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_case_id"), ["case_id"], unique=False)
        batch_op.drop_index("ix_outbox_case_state")
