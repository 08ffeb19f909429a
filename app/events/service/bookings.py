"""Booking a place or joining the waitlist, and cancelling either; the booker is told."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import InvalidAction
from app.events.models import Booking, BookingStatus, Event, EventStatus
from app.events.service._common import (
    ACTIVE,
    _booked_count,
    _queue_reminder,
    lock_event_for_update,
    promote_from_waitlist,
)
from app.members.models import Member
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.policy import check_view_event_permission


def _tell_booker(
    db: Session,
    event: Event,
    member_id: str,
    status: BookingStatus,
    *,
    left_waitlist: bool = False,
) -> None:
    detail: dict[str, object] = {"status": status.value}
    if left_waitlist:
        detail["left_waitlist"] = True
    announce(
        db,
        parts=[(NotificationKind.BOOKING_CHANGED, audiences.members(member_id))],
        subject_type="event",
        subject_id=event.id,
        detail=detail,
    )


def book(db: Session, *, actor: Member, event_id: str, reminder_hours: int) -> Booking:
    event = lock_event_for_update(db, event_id)
    check_view_event_permission(actor, event)
    now = utcnow()
    if event.status == EventStatus.CANCELLED:
        raise InvalidAction("This event is cancelled.")
    if event.starts_at <= now:
        raise InvalidAction("This event has already started; it can no longer be booked.")
    if event.booking_deadline is not None and event.booking_deadline < now:
        raise InvalidAction("The booking deadline for this event has passed.")
    booking = db.execute(
        select(Booking).where(Booking.event_id == event.id, Booking.member_id == actor.id)
    ).scalar_one_or_none()
    if booking is not None and booking.status in ACTIVE:
        where = "booked" if booking.status == BookingStatus.BOOKED else "on the waitlist"
        raise InvalidAction(f"You are already {where} for this event.")
    full = event.capacity is not None and _booked_count(db, event.id) >= event.capacity
    status = BookingStatus.WAITLISTED if full else BookingStatus.BOOKED
    if booking is None:
        booking = Booking(event_id=event.id, member_id=actor.id, status=status)
        db.add(booking)
    booking.status, booking.requested_at, booking.cancelled_at = status, now, None
    booking.booked_at = now if status == BookingStatus.BOOKED else None
    db.flush()
    if status == BookingStatus.BOOKED:
        _queue_reminder(db, event, actor.id, reminder_hours)
    _tell_booker(db, event, actor.id, status)
    return booking


@dataclass(frozen=True)
class Cancellation:
    booking: Booking
    promoted: list[str]
    left_waitlist: bool = False
    """The member was on the waitlist, not booked: they left it, no place was freed."""


def cancel_booking(
    db: Session, *, actor: Member, event_id: str, reminder_hours: int
) -> Cancellation:
    """Cancel a place or leave the waitlist; always allowed, full or not. A freed place goes
    at once to the first on the waitlist, who is told."""
    event = lock_event_for_update(db, event_id)
    check_view_event_permission(actor, event)
    booking = db.execute(
        select(Booking).where(Booking.event_id == event.id, Booking.member_id == actor.id)
    ).scalar_one_or_none()
    if booking is None or booking.status not in ACTIVE:
        raise InvalidAction("You have no booking for this event.")
    was_booked = booking.status == BookingStatus.BOOKED
    booking.status, booking.cancelled_at = BookingStatus.CANCELLED, utcnow()
    db.flush()
    _tell_booker(db, event, actor.id, BookingStatus.CANCELLED, left_waitlist=not was_booked)
    promoted = []
    if was_booked and event.status == EventStatus.SCHEDULED and event.starts_at > utcnow():
        promoted = promote_from_waitlist(db, event, reminder_hours=reminder_hours)
    return Cancellation(booking=booking, promoted=promoted, left_waitlist=not was_booked)
