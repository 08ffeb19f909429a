"""moderation: members' reports about content, moderators' warnings, hidden events

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _member_fk(table: str, column: str, ondelete: str = "SET NULL") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["member.id"], name=op.f(f"fk_{table}_{column}_member"), ondelete=ondelete
    )


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("hidden_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("hidden_at", app.db.UTCDateTime(timezone=True), nullable=True))

    op.create_table(
        "moderation_report",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reporter_id", sa.String(length=36), nullable=True),
        sa.Column("target_kind", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.String(length=36), nullable=False),
        sa.Column("target_label", sa.String(length=200), nullable=False),
        sa.Column("target_url", sa.String(length=300), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=True),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("handled_by_id", sa.String(length=36), nullable=True),
        sa.Column("handled_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("handled_note", sa.Text(), nullable=True),
        _member_fk("moderation_report", "reporter_id"),
        _member_fk("moderation_report", "author_id"),
        _member_fk("moderation_report", "handled_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_report")),
    )
    op.create_index(op.f("ix_moderation_report_reporter_id"), "moderation_report", ["reporter_id"])
    op.create_index(op.f("ix_moderation_report_author_id"), "moderation_report", ["author_id"])
    op.create_index(op.f("ix_moderation_report_group_id"), "moderation_report", ["group_id"])
    op.create_index(
        "ix_moderation_report_target", "moderation_report", ["target_kind", "target_id"]
    )
    op.create_index(
        "ix_moderation_report_status_created", "moderation_report", ["status", "created_at"]
    )

    op.create_table(
        "moderation_warning",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("issued_by_id", sa.String(length=36), nullable=True),
        sa.Column("report_id", sa.String(length=36), nullable=True),
        sa.Column("about", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        _member_fk("moderation_warning", "member_id", ondelete="CASCADE"),
        _member_fk("moderation_warning", "issued_by_id"),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["moderation_report.id"],
            name=op.f("fk_moderation_warning_report_id_moderation_report"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_warning")),
    )
    op.create_index(op.f("ix_moderation_warning_member_id"), "moderation_warning", ["member_id"])


def downgrade() -> None:
    op.drop_table("moderation_warning")
    op.drop_table("moderation_report")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("hidden_at")
        batch.drop_column("hidden_reason")
