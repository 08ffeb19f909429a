"""guard: posted-anyway items for the moderation queue; files held by the guard

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _member_fk(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["member.id"],
        name=op.f(f"fk_guard_override_{column}_member"),
        ondelete="SET NULL",
    )


def upgrade() -> None:
    op.create_table(
        "guard_override",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("subject_label", sa.String(length=200), nullable=False),
        sa.Column("subject_url", sa.String(length=300), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("handled_by_id", sa.String(length=36), nullable=True),
        sa.Column("handled_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("handled_note", sa.Text(), nullable=True),
        _member_fk("author_id"),
        _member_fk("handled_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guard_override")),
    )
    for column in ("created_at", "author_id", "subject_id", "group_id", "status"):
        op.create_index(op.f(f"ix_guard_override_{column}"), "guard_override", [column])
    with op.batch_alter_table("resource") as batch:
        batch.add_column(
            sa.Column("guard_held", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("file_version") as batch:
        batch.add_column(sa.Column("guard_findings", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("file_version") as batch:
        batch.drop_column("guard_findings")
    with op.batch_alter_table("resource") as batch:
        batch.drop_column("guard_held")
    for column in ("created_at", "author_id", "subject_id", "group_id", "status"):
        op.drop_index(op.f(f"ix_guard_override_{column}"), table_name="guard_override")
    op.drop_table("guard_override")
