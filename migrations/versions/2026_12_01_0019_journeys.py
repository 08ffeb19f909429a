"""journeys: when a member finished (or skipped) the first sign-in's onboarding

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 17:30:00

Members who were here before onboarding existed count as onboarded when they joined, so
only newcomers are asked.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("onboarded_at", app.db.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE member SET onboarded_at = joined_at")


def downgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("onboarded_at")
