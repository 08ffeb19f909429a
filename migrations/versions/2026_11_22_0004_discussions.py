"""discussions: categories, threads, posts, revisions, reactions, follows, read markers

New tables only; nothing existing changes. Revises 0003 while the resources migration is
on the branch; set down_revision to "0002" if this lands first.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 23:17:51.719107
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discussion_category",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_category")),
        sa.UniqueConstraint("name", name=op.f("uq_discussion_category_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_discussion_category_slug")),
    )
    with op.batch_alter_table("discussion_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_category_group_id"), ["group_id"], unique=False
        )

    op.create_table(
        "discussion_category_topic",
        sa.Column("category_id", sa.String(length=36), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["discussion_category.id"],
            name=op.f("fk_discussion_category_topic_category_id_discussion_category"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topic.id"],
            name=op.f("fk_discussion_category_topic_topic_id_topic"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "category_id", "topic_id", name=op.f("pk_discussion_category_topic")
        ),
    )
    op.create_table(
        "discussion_category_follow",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("category_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["discussion_category.id"],
            name=op.f("fk_discussion_category_follow_category_id_discussion_category"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_discussion_category_follow_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "member_id", "category_id", name=op.f("pk_discussion_category_follow")
        ),
    )
    with op.batch_alter_table("discussion_category_follow", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_category_follow_category_id"), ["category_id"], unique=False
        )

    op.create_table(
        "discussion_thread",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("category_id", sa.String(length=36), nullable=False),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=True),
        sa.Column("is_question", sa.Boolean(), nullable=False),
        sa.Column("accepted_post_id", sa.String(length=36), nullable=True),
        sa.Column("is_pinned", sa.Boolean(), nullable=False),
        sa.Column("lock_reason", sa.Text(), nullable=True),
        sa.Column("locked_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.String(length=36), nullable=True),
        sa.Column("last_post_number", sa.Integer(), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_post_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["member.id"],
            name=op.f("fk_discussion_thread_author_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["discussion_category.id"],
            name=op.f("fk_discussion_thread_category_id_discussion_category"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["member.id"],
            name=op.f("fk_discussion_thread_deleted_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_thread")),
    )
    with op.batch_alter_table("discussion_thread", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_thread_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            "ix_discussion_thread_category_activity", ["category_id", "last_post_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_thread_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_thread_deleted_at"), ["deleted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_thread_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_thread_last_post_at"), ["last_post_at"], unique=False
        )

    op.create_table(
        "discussion_visit",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("previous_visit_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_visit_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_discussion_visit_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_discussion_visit")),
    )
    op.create_table(
        "discussion_post",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("thread_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edited_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("edit_count", sa.Integer(), nullable=False),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
        sa.Column("hidden_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("hidden_by_id", sa.String(length=36), nullable=True),
        sa.Column("deleted_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.String(length=36), nullable=True),
        sa.Column("guard_override", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["member.id"],
            name=op.f("fk_discussion_post_author_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["member.id"],
            name=op.f("fk_discussion_post_deleted_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"],
            ["member.id"],
            name=op.f("fk_discussion_post_hidden_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_thread.id"],
            name=op.f("fk_discussion_post_thread_id_discussion_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_post")),
        sa.UniqueConstraint(
            "thread_id", "number", name=op.f("uq_discussion_post_thread_id_number")
        ),
    )
    with op.batch_alter_table("discussion_post", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_post_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_post_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_post_thread_id"), ["thread_id"], unique=False
        )

    op.create_table(
        "discussion_thread_follow",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("thread_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_discussion_thread_follow_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_thread.id"],
            name=op.f("fk_discussion_thread_follow_thread_id_discussion_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", "thread_id", name=op.f("pk_discussion_thread_follow")),
    )
    with op.batch_alter_table("discussion_thread_follow", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_thread_follow_thread_id"), ["thread_id"], unique=False
        )

    op.create_table(
        "discussion_thread_read",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("thread_id", sa.String(length=36), nullable=False),
        sa.Column("last_read_number", sa.Integer(), nullable=False),
        sa.Column("read_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_discussion_thread_read_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_thread.id"],
            name=op.f("fk_discussion_thread_read_thread_id_discussion_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", "thread_id", name=op.f("pk_discussion_thread_read")),
    )
    with op.batch_alter_table("discussion_thread_read", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_thread_read_thread_id"), ["thread_id"], unique=False
        )

    op.create_table(
        "discussion_thread_topic",
        sa.Column("thread_id", sa.String(length=36), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_thread.id"],
            name=op.f("fk_discussion_thread_topic_thread_id_discussion_thread"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topic.id"],
            name=op.f("fk_discussion_thread_topic_topic_id_topic"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("thread_id", "topic_id", name=op.f("pk_discussion_thread_topic")),
    )
    op.create_table(
        "discussion_post_revision",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("post_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=True),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("written_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replaced_by_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["discussion_post.id"],
            name=op.f("fk_discussion_post_revision_post_id_discussion_post"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"],
            ["member.id"],
            name=op.f("fk_discussion_post_revision_replaced_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_post_revision")),
    )
    with op.batch_alter_table("discussion_post_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_post_revision_post_id"), ["post_id"], unique=False
        )

    op.create_table(
        "discussion_reaction",
        sa.Column("post_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_discussion_reaction_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["discussion_post.id"],
            name=op.f("fk_discussion_reaction_post_id_discussion_post"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "post_id", "member_id", "kind", name=op.f("pk_discussion_reaction")
        ),
    )


def downgrade() -> None:
    op.drop_table("discussion_reaction")
    with op.batch_alter_table("discussion_post_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_post_revision_post_id"))

    op.drop_table("discussion_post_revision")
    op.drop_table("discussion_thread_topic")
    with op.batch_alter_table("discussion_thread_read", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_thread_read_thread_id"))

    op.drop_table("discussion_thread_read")
    with op.batch_alter_table("discussion_thread_follow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_thread_follow_thread_id"))

    op.drop_table("discussion_thread_follow")
    with op.batch_alter_table("discussion_post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_post_thread_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_post_created_at"))
        batch_op.drop_index(batch_op.f("ix_discussion_post_author_id"))

    op.drop_table("discussion_post")
    op.drop_table("discussion_visit")
    with op.batch_alter_table("discussion_thread", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_thread_last_post_at"))
        batch_op.drop_index(batch_op.f("ix_discussion_thread_group_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_thread_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_discussion_thread_category_id"))
        batch_op.drop_index("ix_discussion_thread_category_activity")
        batch_op.drop_index(batch_op.f("ix_discussion_thread_author_id"))

    op.drop_table("discussion_thread")
    with op.batch_alter_table("discussion_category_follow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_category_follow_category_id"))

    op.drop_table("discussion_category_follow")
    op.drop_table("discussion_category_topic")
    with op.batch_alter_table("discussion_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_category_group_id"))

    op.drop_table("discussion_category")
