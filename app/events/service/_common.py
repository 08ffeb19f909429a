"""What the events service modules share: the booking statuses that hold a place, the
worker topics for reminders, locking and loading an event, checking and applying the form's
data, counting booked places, queueing a reminder and promoting from the waitlist."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.db import utcnow
from app.discussions.markdown import render_markdown
from app.errors import InvalidInput, NotFound
from app.events.models import Booking, BookingStatus, Event
from app.events.schemas import EventData
from app.groups.service import check_post_to_group
from app.members.models import Member, Organisation
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.outbox.service import enqueue

REMINDER_TOPIC = "events.reminder"
REQUEUE_REMINDERS_TOPIC = "events.requeue_reminders"
"""A moved event's reminders are queued again by the worker, for everyone booked at once."""
ACTIVE = (BookingStatus.BOOKED, BookingStatus.WAITLISTED)


def lock_event_for_update(db: Session, event_id: str) -> Event:
    event = db.execute(
        select(Event).where(Event.id == event_id).with_for_update()
    ).scalar_one_or_none()
    if event is None:
        raise NotFound("There is no such event.")
    return event


def _load_event(db: Session, event_id: str) -> Event:
    event = db.execute(
        select(Event)
        .where(Event.id == event_id)
        .options(joinedload(Event.organiser), joinedload(Event.host_organisation))
    ).scalar_one_or_none()
    if event is None:
        raise NotFound("There is no such event.")
    return event


def _check_references(db: Session, actor: Member, data: EventData) -> None:
    if data.host_organisation_id and db.get(Organisation, data.host_organisation_id) is None:
        raise InvalidInput({"host_organisation_id": "There is no such organisation."})
    check_post_to_group(db, actor=actor, group_id=data.group_id)


def _apply(event: Event, data: EventData) -> None:
    event.title = data.title
    event.description = data.description
    event.description_html = render_markdown(data.description)
    event.type = data.type
    event.starts_at, event.ends_at, event.all_day = data.starts_at, data.ends_at, data.all_day
    event.online = data.online
    event.venue, event.address = data.venue, data.address
    event.joining_link = data.joining_link
    event.host_organisation_id = data.host_organisation_id
    event.capacity = data.capacity
    event.booking_deadline = data.booking_deadline
    event.cpd_hours = data.cpd_hours
    event.group_id = data.group_id


def _booked_count(db: Session, event_id: str) -> int:
    return db.execute(
        select(func.count())
        .select_from(Booking)
        .where(Booking.event_id == event_id, Booking.status == BookingStatus.BOOKED)
    ).scalar_one()


def _queue_reminder(db: Session, event: Event, member_id: str, reminder_hours: int) -> None:
    """The worker delivers it when due, after checking the booking and the time still stand
    (app/notifications/delivery.py)."""
    at = event.starts_at - timedelta(hours=reminder_hours)
    enqueue(
        db,
        topic=REMINDER_TOPIC,
        payload={"event_id": event.id, "member_id": member_id},
        not_before=max(at, utcnow()),
    )


def promote_from_waitlist(db: Session, event: Event, *, reminder_hours: int) -> list[str]:
    """Fill free places from the waitlist, first come first served; returns who moved up."""
    promoted: list[str] = []
    free = None if event.capacity is None else event.capacity - _booked_count(db, event.id)
    waiting = db.execute(
        select(Booking)
        .where(Booking.event_id == event.id, Booking.status == BookingStatus.WAITLISTED)
        .order_by(Booking.requested_at, Booking.id)
    ).scalars()
    for booking in waiting:
        if free is not None and free <= 0:
            break
        booking.status, booking.booked_at = BookingStatus.BOOKED, utcnow()
        _queue_reminder(db, event, booking.member_id, reminder_hours)
        promoted.append(booking.member_id)
        if free is not None:
            free -= 1
    announce(
        db,
        parts=[(NotificationKind.WAITLIST_PROMOTED, audiences.members(*promoted))]
        if promoted
        else [],
        subject_type="event",
        subject_id=event.id,
    )
    db.flush()
    return promoted
