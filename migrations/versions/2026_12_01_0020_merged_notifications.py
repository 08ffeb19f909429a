"""notifications merge: replies in one thread count up one unread notification

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 17:40:00

Adds notification.merge_key (what notifications of one kind merge on, e.g. a thread) and
notification.merged_count (how many things one notification stands for).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merge_key", sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column("merged_count", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.create_index(
            "ix_notification_member_merge", ["member_id", "merge_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_member_merge")
        batch_op.drop_column("merged_count")
        batch_op.drop_column("merge_key")
