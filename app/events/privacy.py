"""A member's bookings and attendance. Erasure cancels their bookings first, so a freed
place goes to the first on the waitlist, as when a member cancels."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.events.models import Booking, BookingStatus, CalendarFeed, Event, EventStatus
from app.events.service._common import lock_event_for_update, promote_from_waitlist
from app.privacy.kinds import ErasureContext, ExportFile, PersonalData, Row, columns_of


def booking_rows(db: Session, member_id: str) -> Iterator[Row]:
    query = (
        select(Booking, Event.title, Event.starts_at)
        .join(Event, Event.id == Booking.event_id)
        .where(Booking.member_id == member_id)
        .order_by(Event.starts_at)
    )
    for booking, title, starts_at in db.execute(query):
        yield {
            **columns_of(
                booking, "event_id", "status", "requested_at", "booked_at", "cancelled_at"
            ),
            "event_title": title,
            "event_starts_at": starts_at,
            "attended": booking.attended,
        }


def calendar_rows(db: Session, member_id: str) -> Iterator[Row]:
    feed = db.get(CalendarFeed, member_id)
    if feed is not None:
        yield {"calendar_feed_created_at": feed.created_at}


def erase(db: Session, context: ErasureContext) -> None:
    """Cancel, then promote from the waitlist of each future event where a place was freed;
    the bookings and the calendar feed then go with the member's row."""
    now = utcnow()
    freed = list(
        db.execute(
            select(Booking.event_id).where(
                Booking.member_id == context.member_id, Booking.status == BookingStatus.BOOKED
            )
        ).scalars()
    )
    for booking in db.execute(
        select(Booking).where(
            Booking.member_id == context.member_id, Booking.status != BookingStatus.CANCELLED
        )
    ).scalars():
        booking.status, booking.cancelled_at = BookingStatus.CANCELLED, now
    db.flush()
    for event_id in sorted(set(freed)):
        event = lock_event_for_update(db, event_id)
        if event.status == EventStatus.SCHEDULED and event.starts_at > now:
            promote_from_waitlist(db, event, reminder_hours=context.reminder_hours)
    db.execute(delete(CalendarFeed).where(CalendarFeed.member_id == context.member_id))


PERSONAL_DATA = PersonalData(
    domain="events",
    files=(
        ExportFile(
            "bookings.json",
            "Your bookings and waitlist places for events, their status and whether you attended.",
            booking_rows,
        ),
        ExportFile(
            "calendar_feed.json",
            "When you created your private calendar feed, if you have one (never its address).",
            calendar_rows,
        ),
    ),
    erase=erase,
)
