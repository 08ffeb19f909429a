"""post attachments: files and images attached to discussion posts

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 17:50:00

Self-contained: it only adds a table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discussion_post_attachment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("post_id", sa.String(length=36), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=80), nullable=False),
        sa.Column("original_filename", sa.String(length=200), nullable=False),
        sa.Column("file_type", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("alt_text", sa.String(length=250), nullable=True),
        sa.Column("uploaded_by_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("extraction_status", sa.String(length=16), nullable=False),
        sa.Column("guard_findings", sa.JSON(), nullable=True),
        sa.Column("guard_held", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["discussion_post.id"],
            name=op.f("fk_discussion_post_attachment_post_id_discussion_post"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["member.id"],
            name=op.f("fk_discussion_post_attachment_uploaded_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_post_attachment")),
    )
    with op.batch_alter_table("discussion_post_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_post_attachment_post_id"), ["post_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_post_attachment_storage_key"), ["storage_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("discussion_post_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_post_attachment_storage_key"))
        batch_op.drop_index(batch_op.f("ix_discussion_post_attachment_post_id"))
    op.drop_table("discussion_post_attachment")
