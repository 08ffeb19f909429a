"""groups

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 23:44:10.887519
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_group",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("open", "private", "secret", name="group_kind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("category_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_group")),
        sa.UniqueConstraint("name", name=op.f("uq_portal_group_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_portal_group_slug")),
    )
    op.create_table(
        "group_join_request",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("is_invitation", sa.Boolean(), nullable=False),
        sa.Column("invited_by_id", sa.String(length=36), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "refused",
                "accepted",
                "declined",
                name="group_request_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decision_message", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["member.id"],
            name=op.f("fk_group_join_request_decided_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["portal_group.id"],
            name=op.f("fk_group_join_request_group_id_portal_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["member.id"],
            name=op.f("fk_group_join_request_invited_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_group_join_request_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_join_request")),
    )
    with op.batch_alter_table("group_join_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_join_request_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_join_request_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "group_membership",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "owner", "moderator", "member", name="group_role", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("joined_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["portal_group.id"],
            name=op.f("fk_group_membership_group_id_portal_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_group_membership_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_membership")),
        sa.UniqueConstraint(
            "group_id", "member_id", name=op.f("uq_group_membership_group_id_member_id")
        ),
    )
    with op.batch_alter_table("group_membership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_membership_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_membership_member_id"), ["member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("group_membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_membership_member_id"))
        batch_op.drop_index(batch_op.f("ix_group_membership_group_id"))

    op.drop_table("group_membership")
    with op.batch_alter_table("group_join_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_join_request_member_id"))
        batch_op.drop_index(batch_op.f("ix_group_join_request_group_id"))

    op.drop_table("group_join_request")
    op.drop_table("portal_group")
