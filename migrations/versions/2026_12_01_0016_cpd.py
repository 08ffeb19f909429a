"""cpd: members' CPD entries, peer reflections, dismissed suggestions, resource downloads

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 17:10:00

Self-contained: it only adds tables, so it can be chained after any sibling migration.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cpd_dismissal",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column(
            "item_type",
            sa.Enum(
                "event", "resource", "thread", name="cpd_linked_item", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("dismissed_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_cpd_dismissal_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cpd_dismissal")),
        sa.UniqueConstraint(
            "member_id",
            "item_type",
            "item_id",
            name=op.f("uq_cpd_dismissal_member_id_item_type_item_id"),
        ),
    )
    with op.batch_alter_table("cpd_dismissal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cpd_dismissal_member_id"), ["member_id"], unique=False)

    op.create_table(
        "cpd_entry",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "event",
                "reading",
                "discussion",
                "supervision",
                "course",
                "shadowing",
                "other",
                name="cpd_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("hours", sa.Numeric(precision=5, scale=1, asdecimal=False), nullable=True),
        sa.Column("learning", sa.Text(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "recorded", name="cpd_status", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "item_type",
            sa.Enum(
                "event", "resource", "thread", name="cpd_linked_item", native_enum=False, length=32
            ),
            nullable=True,
        ),
        sa.Column("item_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_cpd_entry_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cpd_entry")),
    )
    with op.batch_alter_table("cpd_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cpd_entry_happened_on"), ["happened_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_cpd_entry_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cpd_entry_member_id"), ["member_id"], unique=False)

    op.create_table(
        "cpd_reflection",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("peer_id", sa.String(length=36), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "invited",
                "noted",
                "refused",
                "withdrawn",
                name="cpd_reflection_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("invited_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["cpd_entry.id"],
            name=op.f("fk_cpd_reflection_entry_id_cpd_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["peer_id"],
            ["member.id"],
            name=op.f("fk_cpd_reflection_peer_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cpd_reflection")),
    )
    with op.batch_alter_table("cpd_reflection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cpd_reflection_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cpd_reflection_peer_id"), ["peer_id"], unique=False)

    op.create_table(
        "cpd_resource_use",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("resource_id", sa.String(length=36), nullable=False),
        sa.Column("used_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_cpd_resource_use_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resource.id"],
            name=op.f("fk_cpd_resource_use_resource_id_resource"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cpd_resource_use")),
        sa.UniqueConstraint(
            "member_id", "resource_id", name=op.f("uq_cpd_resource_use_member_id_resource_id")
        ),
    )
    with op.batch_alter_table("cpd_resource_use", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cpd_resource_use_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cpd_resource_use_resource_id"), ["resource_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cpd_resource_use", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cpd_resource_use_resource_id"))
        batch_op.drop_index(batch_op.f("ix_cpd_resource_use_member_id"))

    op.drop_table("cpd_resource_use")
    with op.batch_alter_table("cpd_reflection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cpd_reflection_peer_id"))
        batch_op.drop_index(batch_op.f("ix_cpd_reflection_entry_id"))

    op.drop_table("cpd_reflection")
    with op.batch_alter_table("cpd_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cpd_entry_member_id"))
        batch_op.drop_index(batch_op.f("ix_cpd_entry_item_id"))
        batch_op.drop_index(batch_op.f("ix_cpd_entry_happened_on"))

    op.drop_table("cpd_entry")
    with op.batch_alter_table("cpd_dismissal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cpd_dismissal_member_id"))

    op.drop_table("cpd_dismissal")
