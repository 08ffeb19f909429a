"""resources: library, files, versions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 23:16:02.021418
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "resource",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "practice_guide",
                "research_paper",
                "briefing",
                "case_study",
                "tool_or_template",
                "video",
                "link",
                "presentation",
                name="resource_type",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("audience", sa.String(length=200), nullable=True),
        sa.Column("publication_year", sa.Integer(), nullable=True),
        sa.Column("authors", sa.String(length=500), nullable=True),
        sa.Column("abstract", sa.Text(), nullable=True),
        sa.Column("doi", sa.String(length=200), nullable=True),
        sa.Column("external_url", sa.String(length=1000), nullable=True),
        sa.Column("licence_note", sa.String(length=500), nullable=True),
        sa.Column("owner_id", sa.String(length=36), nullable=True),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("group_id", sa.String(length=36), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "published",
                "hidden",
                "deleted",
                name="resource_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("download_count", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_resource_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["member.id"],
            name=op.f("fk_resource_owner_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource")),
    )
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resource_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_resource_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_resource_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_resource_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_resource_publication_year"), ["publication_year"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_resource_status"), ["status"], unique=False)

    op.create_table(
        "resource_file",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("resource_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resource.id"],
            name=op.f("fk_resource_file_resource_id_resource"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_file")),
    )
    with op.batch_alter_table("resource_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resource_file_resource_id"), ["resource_id"], unique=False
        )

    op.create_table(
        "resource_topic",
        sa.Column("resource_id", sa.String(length=36), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resource.id"],
            name=op.f("fk_resource_topic_resource_id_resource"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topic.id"],
            name=op.f("fk_resource_topic_topic_id_topic"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("resource_id", "topic_id", name=op.f("pk_resource_topic")),
    )
    op.create_table(
        "file_version",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=80), nullable=False),
        sa.Column("original_filename", sa.String(length=200), nullable=False),
        sa.Column("file_type", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("change_note", sa.String(length=500), nullable=True),
        sa.Column("uploaded_by_id", sa.String(length=36), nullable=True),
        sa.Column("uploaded_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "extraction_status",
            sa.Enum(
                "pending",
                "done",
                "failed",
                "not_applicable",
                name="extraction_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("extraction_error", sa.String(length=500), nullable=True),
        sa.Column("extracted_text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["resource_file.id"],
            name=op.f("fk_file_version_file_id_resource_file"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["member.id"],
            name=op.f("fk_file_version_uploaded_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file_version")),
        sa.UniqueConstraint("file_id", "number", name=op.f("uq_file_version_file_id_number")),
    )
    with op.batch_alter_table("file_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_file_version_file_id"), ["file_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_file_version_storage_key"), ["storage_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("file_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_file_version_storage_key"))
        batch_op.drop_index(batch_op.f("ix_file_version_file_id"))

    op.drop_table("file_version")
    op.drop_table("resource_topic")
    with op.batch_alter_table("resource_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_file_resource_id"))

    op.drop_table("resource_file")
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_status"))
        batch_op.drop_index(batch_op.f("ix_resource_publication_year"))
        batch_op.drop_index(batch_op.f("ix_resource_owner_id"))
        batch_op.drop_index(batch_op.f("ix_resource_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_resource_group_id"))
        batch_op.drop_index(batch_op.f("ix_resource_created_at"))

    op.drop_table("resource")
