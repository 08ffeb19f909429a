"""privacy: members' exports, requests to close an account, erasures, retention runs

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 17:20:00

Self-contained: it only adds tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "privacy_export",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("requested_by_id", sa.String(length=36), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "ready",
                "failed",
                name="privacy_export_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ready_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_privacy_export_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["member.id"],
            name=op.f("fk_privacy_export_requested_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_export")),
    )
    with op.batch_alter_table("privacy_export", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_export_member_id"), ["member_id"])
        batch_op.create_index(batch_op.f("ix_privacy_export_expires_at"), ["expires_at"])

    op.create_table(
        "privacy_closure_request",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("requested_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_privacy_closure_request_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_privacy_closure_request")),
    )

    op.create_table(
        "privacy_erasure",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("pseudonym", sa.String(length=40), nullable=False),
        sa.Column("erased_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("erased_by_id", sa.String(length=36), nullable=True),
        sa.Column("on_request", sa.Boolean(), nullable=False),
        sa.Column("removed_content", sa.Boolean(), nullable=False),
        sa.Column(
            "resources",
            sa.Enum(
                "organisation",
                "hide",
                name="privacy_resource_fate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["erased_by_id"],
            ["member.id"],
            name=op.f("fk_privacy_erasure_erased_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_erasure")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_privacy_erasure_pseudonym")),
    )

    op.create_table(
        "privacy_retention_run",
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("ran_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cutoff", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("rule", name=op.f("pk_privacy_retention_run")),
    )


def downgrade() -> None:
    op.drop_table("privacy_retention_run")
    op.drop_table("privacy_erasure")
    op.drop_table("privacy_closure_request")
    with op.batch_alter_table("privacy_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_export_expires_at"))
        batch_op.drop_index(batch_op.f("ix_privacy_export_member_id"))
    op.drop_table("privacy_export")
