"""opportunity alerts: members' saved filters of the opportunities list

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 16:20:00

Self-contained: it only adds a table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "opportunity_alert",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "permanent",
                "fixed_term",
                "secondment",
                "asye",
                "practice_educator",
                "student_placement",
                "research",
                name="opportunity_kind",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("practice_area", sa.String(length=120), nullable=True),
        sa.Column(
            "location",
            sa.Enum(
                "office", "hybrid", "remote", name="work_location", native_enum=False, length=32
            ),
            nullable=True,
        ),
        sa.Column("closing_within_week", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_opportunity_alert_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_opportunity_alert_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_alert")),
    )
    with op.batch_alter_table("opportunity_alert", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_alert_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_opportunity_alert_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("opportunity_alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_alert_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_opportunity_alert_member_id"))
    op.drop_table("opportunity_alert")
