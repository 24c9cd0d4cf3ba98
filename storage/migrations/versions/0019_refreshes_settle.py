"""refreshes settle: a waiting refresh starts once the changes joining it pause, within a cap

Thirty replies to one invitation within a second re-rendered it once per worker's pass, since a
refresh coalesced only while it waited and a worker took it at once. A refresh now waits until
`settle_at` (moved later by each change that joins it, never past `settle_by`): seconds since
1970 by the database's clock.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("settle_at", sa.Float(), nullable=True))
        batch.add_column(sa.Column("settle_by", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("settle_by")
        batch.drop_column("settle_at")
