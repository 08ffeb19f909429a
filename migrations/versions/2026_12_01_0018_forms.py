"""forms: a resource file's own name and its removal kept as history; staged uploads; drafts

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 17:15:00

A file's name starts as the name of its newest version's upload. Staged uploads are files
chosen on a form that was shown again with errors (see app/resources/models.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("resource_file") as batch:
        batch.add_column(sa.Column("name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("removed_at", app.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("removed_by_id", sa.String(length=36), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_resource_file_removed_by_id_member"),
            "member",
            ["removed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(
        "UPDATE resource_file SET name = COALESCE((SELECT v.original_filename FROM file_version v"
        " WHERE v.file_id = resource_file.id ORDER BY v.number DESC LIMIT 1), 'file')"
    )
    with op.batch_alter_table("resource_file") as batch:
        batch.alter_column("name", existing_type=sa.String(length=200), nullable=False)

    op.create_table(
        "staged_upload",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=80), nullable=False),
        sa.Column("original_filename", sa.String(length=200), nullable=False),
        sa.Column("file_type", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_staged_upload_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_hash"],
            ["web_session.token_hash"],
            name=op.f("fk_staged_upload_session_hash_web_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staged_upload")),
    )
    for column in ("member_id", "session_hash", "storage_key", "expires_at"):
        op.create_index(op.f(f"ix_staged_upload_{column}"), "staged_upload", [column])

    op.create_table(
        "draft",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("resource", "thread", "reply", name="draft_kind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_draft_member_id_member"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
    )
    for column in ("member_id", "updated_at"):
        op.create_index(op.f(f"ix_draft_{column}"), "draft", [column])


def downgrade() -> None:
    for column in ("member_id", "updated_at"):
        op.drop_index(op.f(f"ix_draft_{column}"), table_name="draft")
    op.drop_table("draft")
    for column in ("member_id", "session_hash", "storage_key", "expires_at"):
        op.drop_index(op.f(f"ix_staged_upload_{column}"), table_name="staged_upload")
    op.drop_table("staged_upload")
    with op.batch_alter_table("resource_file") as batch:
        batch.drop_constraint(batch.f("fk_resource_file_removed_by_id_member"), type_="foreignkey")
        batch.drop_column("removed_by_id")
        batch.drop_column("removed_at")
        batch.drop_column("name")
