"""opportunities: vacancies, secondments and placements; apply clicks; the recruiter flag

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 16:00:00

Self-contained: it only adds, so it can be chained after any sibling migration.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "opportunity",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
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
            nullable=False,
        ),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("practice_area", sa.String(length=120), nullable=True),
        sa.Column("pay", sa.String(length=200), nullable=True),
        sa.Column("hours", sa.String(length=200), nullable=True),
        sa.Column(
            "location",
            sa.Enum(
                "office", "hybrid", "remote", name="work_location", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("closing_date", sa.String(length=10), nullable=False),
        sa.Column("closes_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("apply_url", sa.String(length=1000), nullable=True),
        sa.Column("apply_email", sa.String(length=320), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text(), nullable=False),
        sa.Column("poster_id", sa.String(length=36), nullable=True),
        sa.Column("withdrawn_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("closed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_opportunity_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["poster_id"],
            ["member.id"],
            name=op.f("fk_opportunity_poster_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity")),
    )
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opportunity_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_opportunity_closes_at"), ["closes_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_opportunity_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_opportunity_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_opportunity_poster_id"), ["poster_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_opportunity_practice_area"), ["practice_area"], unique=False
        )

    op.create_table(
        "opportunity_apply_click",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("opportunity_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("clicked_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_opportunity_apply_click_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_opportunity_apply_click_opportunity_id_opportunity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_apply_click")),
        sa.UniqueConstraint(
            "opportunity_id",
            "member_id",
            name=op.f("uq_opportunity_apply_click_opportunity_id_member_id"),
        ),
    )
    with op.batch_alter_table("opportunity_apply_click", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_apply_click_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_opportunity_apply_click_opportunity_id"),
            ["opportunity_id"],
            unique=False,
        )

    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_recruiter", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("is_recruiter")

    with op.batch_alter_table("opportunity_apply_click", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_apply_click_opportunity_id"))
        batch_op.drop_index(batch_op.f("ix_opportunity_apply_click_member_id"))

    op.drop_table("opportunity_apply_click")
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_practice_area"))
        batch_op.drop_index(batch_op.f("ix_opportunity_poster_id"))
        batch_op.drop_index(batch_op.f("ix_opportunity_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_opportunity_created_at"))
        batch_op.drop_index(batch_op.f("ix_opportunity_closes_at"))
        batch_op.drop_index(batch_op.f("ix_opportunity_closed_at"))

    op.drop_table("opportunity")
