"""worker heartbeat: one row per running worker, for the status page and readiness

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeat",
        sa.Column("worker_id", sa.String(length=120), nullable=False),
        sa.Column("started_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("beat_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("handled", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_worker_heartbeat")),
    )
    op.create_index(op.f("ix_worker_heartbeat_beat_at"), "worker_heartbeat", ["beat_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_worker_heartbeat_beat_at"), table_name="worker_heartbeat")
    op.drop_table("worker_heartbeat")
