"""opportunity views: one row per member, opportunity and London day, for the report

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 16:40:00

Self-contained: it only adds a table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "opportunity_view",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("opportunity_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_opportunity_view_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_opportunity_view_opportunity_id_opportunity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_view")),
        sa.UniqueConstraint(
            "opportunity_id",
            "member_id",
            "day",
            name=op.f("uq_opportunity_view_opportunity_id_member_id_day"),
        ),
    )
    with op.batch_alter_table("opportunity_view", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_view_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_opportunity_view_opportunity_id"), ["opportunity_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("opportunity_view", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_view_opportunity_id"))
        batch_op.drop_index(batch_op.f("ix_opportunity_view_member_id"))
    op.drop_table("opportunity_view")
