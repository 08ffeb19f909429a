"""events: events, bookings, calendar feeds

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "workshop",
                "webinar",
                "conference",
                "meeting",
                "training",
                name="event_type",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("joining_link", sa.String(length=1000), nullable=True),
        sa.Column("organiser_id", sa.String(length=36), nullable=True),
        sa.Column("host_organisation_id", sa.String(length=36), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("booking_deadline", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("group_id", sa.String(length=36), nullable=True),
        sa.Column("cpd_hours", sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=True),
        sa.Column(
            "status",
            sa.Enum("scheduled", "cancelled", name="event_status", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_event_host_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organiser_id"],
            ["member.id"],
            name=op.f("fk_event_organiser_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_ends_at"), ["ends_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_event_host_organisation_id"), ["host_organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_event_organiser_id"), ["organiser_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "booking",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "booked",
                "waitlisted",
                "cancelled",
                name="booking_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("requested_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("booked_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_booking_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_booking_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
        sa.UniqueConstraint("event_id", "member_id", name=op.f("uq_booking_event_id_member_id")),
    )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_booking_member_id"), ["member_id"], unique=False)

    op.create_table(
        "calendar_feed",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_calendar_feed_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("calendar_feed")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_member_id"))
        batch_op.drop_index(batch_op.f("ix_booking_event_id"))

    op.drop_table("booking")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_starts_at"))
        batch_op.drop_index(batch_op.f("ix_event_organiser_id"))
        batch_op.drop_index(batch_op.f("ix_event_host_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_event_group_id"))
        batch_op.drop_index(batch_op.f("ix_event_ends_at"))

    op.drop_table("event")
