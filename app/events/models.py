"""Workshops, webinars and conferences, and members' bookings for them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, enum_column, new_id, utcnow
from app.members.models import Member, Organisation


class EventType(enum.StrEnum):
    WORKSHOP = "workshop"
    WEBINAR = "webinar"
    CONFERENCE = "conference"
    MEETING = "meeting"
    TRAINING = "training"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class EventStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Event(Base):
    __tablename__ = "event"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    description_html: Mapped[str] = mapped_column(Text)
    type: Mapped[EventType] = mapped_column(enum_column(EventType, "event_type"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    venue: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    joining_link: Mapped[str | None] = mapped_column(String(1000))
    organiser_id: Mapped[str | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    host_organisation_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    capacity: Mapped[int | None] = mapped_column(Integer)
    booking_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    group_id: Mapped[str | None] = mapped_column(String(36), index=True)
    cpd_hours: Mapped[float | None] = mapped_column(Numeric(4, 1, asdecimal=False))
    status: Mapped[EventStatus] = mapped_column(
        enum_column(EventStatus, "event_status"), default=EventStatus.SCHEDULED
    )
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # Set when a moderator hides the event: it leaves lists, feeds and search; its page
    # shows the reason to staff and the organiser and is "not found" for everyone else.
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organiser: Mapped[Member | None] = relationship(lazy="raise")
    host_organisation: Mapped[Organisation | None] = relationship(lazy="raise")

    @property
    def calendar_uid(self) -> str:
        """Stable across edits, so calendars update the event instead of adding another."""
        return f"event-{self.id}@portal.childrens-social-work"


class Booking(Base):
    __tablename__ = "booking"
    __table_args__ = (UniqueConstraint("event_id", "member_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    status: Mapped[BookingStatus] = mapped_column(enum_column(BookingStatus, "booking_status"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attended: Mapped[bool | None] = mapped_column(Boolean)

    member: Mapped[Member] = relationship(lazy="raise")
    event: Mapped[Event] = relationship(lazy="raise")


class CalendarFeed(Base):
    """A member's private calendar feed: the URL carries a secret; only its hash is kept."""

    __tablename__ = "calendar_feed"

    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
