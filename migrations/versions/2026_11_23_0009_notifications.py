"""notifications: in-app notifications, e-mail preferences, digests, sent e-mail; handles

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db
from app.members.handles import choose_handle

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _member_fk(table: str, column: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["member.id"], name=op.f(f"fk_{table}_{column}_member"), ondelete=ondelete
    )


def _backfill_handles() -> None:
    member = sa.table(
        "member",
        sa.column("id", sa.String),
        sa.column("display_name", sa.String),
        sa.column("handle", sa.String),
    )
    connection = op.get_bind()
    taken: set[str] = set()
    rows = connection.execute(
        sa.select(member.c.id, member.c.display_name).order_by(member.c.id)
    ).all()
    for member_id, display_name in rows:
        handle = choose_handle(display_name, taken.__contains__)
        taken.add(handle)
        connection.execute(sa.update(member).where(member.c.id == member_id).values(handle=handle))


def upgrade() -> None:
    op.add_column("member", sa.Column("handle", sa.String(length=40), nullable=True))
    _backfill_handles()
    op.create_index(op.f("ix_member_handle"), "member", ["handle"], unique=True)

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("email_state", sa.String(length=16), nullable=False),
        sa.Column("emailed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        _member_fk("notification", "member_id", "CASCADE"),
        _member_fk("notification", "actor_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("member_id", "dedupe_key", name="uq_notification_member_dedupe"),
    )
    op.create_index("ix_notification_member_unread", "notification", ["member_id", "read_at"])
    op.create_index("ix_notification_email_state", "notification", ["email_state", "member_id"])

    op.create_table(
        "notification_preference",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        _member_fk("notification_preference", "member_id", "CASCADE"),
        sa.PrimaryKeyConstraint("member_id", "kind", name=op.f("pk_notification_preference")),
    )

    op.create_table(
        "digest_schedule",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("next_due_at", app.db.UTCDateTime(timezone=True), nullable=True),
        _member_fk("digest_schedule", "member_id", "CASCADE"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_digest_schedule")),
    )
    op.create_index(op.f("ix_digest_schedule_next_due_at"), "digest_schedule", ["next_due_at"])

    op.create_table(
        "sent_email",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("notification_ids", sa.JSON(), nullable=False),
        sa.Column("sent_at", app.db.UTCDateTime(timezone=True), nullable=False),
        _member_fk("sent_email", "member_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_email")),
        sa.UniqueConstraint("message_id", name=op.f("uq_sent_email_message_id")),
    )
    op.create_index(op.f("ix_sent_email_member_id"), "sent_email", ["member_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sent_email_member_id"), table_name="sent_email")
    op.drop_table("sent_email")
    op.drop_index(op.f("ix_digest_schedule_next_due_at"), table_name="digest_schedule")
    op.drop_table("digest_schedule")
    op.drop_table("notification_preference")
    op.drop_index("ix_notification_email_state", table_name="notification")
    op.drop_index("ix_notification_member_unread", table_name="notification")
    op.drop_table("notification")
    op.drop_index(op.f("ix_member_handle"), table_name="member")
    with op.batch_alter_table("member") as batch:
        batch.drop_column("handle")
