"""Rules for events: creating and changing them, booking, the waitlist, attendance and the
private calendar feed. The event row is locked while places are counted, so an event is
never overbooked (PostgreSQL: SELECT ... FOR UPDATE; SQLite: transactions begin IMMEDIATE
and run one at a time)."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from app.audit import service as audit
from app.audit.csv import csv_safe
from app.db import LONDON, utcnow
from app.discussions.markdown import render_markdown
from app.errors import InvalidAction, InvalidInput, NotFound
from app.events.models import Booking, BookingStatus, CalendarFeed, Event, EventStatus, EventType
from app.events.schemas import EventData
from app.groups.service import check_post_to_group
from app.members.models import Member, Organisation
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.outbox.service import enqueue
from app.outbox.sync import enqueue_sync
from app.policy import (
    check_manage_event_permission,
    check_moderate_event_permission,
    check_view_event_permission,
    listed_events_filter,
    may_see_joining_link,
)
from app.policy.events import check_use_calendar_feed_permission, may_manage_event
from app.security.sessions import hash_token

REMINDER_TOPIC = "events.reminder"
REQUEUE_REMINDERS_TOPIC = "events.requeue_reminders"
"""A moved event's reminders are queued again by the worker, for everyone booked at once."""
ACTIVE = (BookingStatus.BOOKED, BookingStatus.WAITLISTED)


def _lock_event(db: Session, event_id: str) -> Event:
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
        .options(selectinload(Event.organiser), selectinload(Event.host_organisation))
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


def create_event(db: Session, *, actor: Member, data: EventData) -> Event:
    _check_references(db, actor, data)
    if data.starts_at <= utcnow():
        raise InvalidInput({"start_date": "The event must start in the future."})
    event = Event(organiser_id=actor.id)
    _apply(event, data)
    db.add(event)
    db.flush()
    enqueue_sync(db, kind="event", id=event.id)
    return event


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


def _promote(db: Session, event: Event, *, reminder_hours: int) -> list[str]:
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


def _notify_everyone_booked(
    db: Session, event: Event, kind: NotificationKind, detail: dict[str, str]
) -> None:
    """Everyone booked or waiting is told, whoever made the change (one announcement; the
    worker finds them)."""
    announce(
        db,
        parts=[(kind, audiences.event_bookers(event.id, tuple(status.value for status in ACTIVE)))],
        subject_type="event",
        subject_id=event.id,
        detail=detail,
    )


def _tell_booker(db: Session, event: Event, member_id: str, status: BookingStatus) -> None:
    announce(
        db,
        parts=[(NotificationKind.BOOKING_CHANGED, audiences.members(member_id))],
        subject_type="event",
        subject_id=event.id,
        detail={"status": status.value},
    )


def update_event(
    db: Session, *, actor: Member, event_id: str, data: EventData, reminder_hours: int
) -> Event:
    event = _lock_event(db, event_id)
    check_manage_event_permission(actor, event)
    if event.status == EventStatus.CANCELLED:
        raise InvalidAction("This event is cancelled; it can no longer be changed.")
    if data.group_id != event.group_id or data.host_organisation_id:
        _check_references(db, actor, data)
    booked = _booked_count(db, event.id)
    if data.capacity is not None and data.capacity < booked:
        raise InvalidInput(
            {"capacity": f"{booked} places are already booked; the capacity cannot be lower."}
        )
    before = (event.starts_at, event.ends_at, event.online, event.venue, event.address)
    _apply(event, data)
    event.sequence += 1
    event.updated_at = utcnow()
    if before != (event.starts_at, event.ends_at, event.online, event.venue, event.address):
        _notify_everyone_booked(
            db, event, NotificationKind.EVENT_CHANGED, {"change": "time or place"}
        )
    if before[0] != event.starts_at:
        enqueue(
            db,
            topic=REQUEUE_REMINDERS_TOPIC,
            payload={"event_id": event.id, "reminder_hours": reminder_hours},
        )
    _promote(db, event, reminder_hours=reminder_hours)
    db.flush()
    enqueue_sync(db, kind="event", id=event.id)
    return event


def cancel_event(db: Session, *, actor: Member, event_id: str, reason: str) -> Event:
    event = _lock_event(db, event_id)
    check_manage_event_permission(actor, event)
    cleaned = reason.strip()
    if not cleaned:
        raise InvalidInput({"reason": "Say why the event is cancelled; everyone booked is told."})
    if event.status == EventStatus.CANCELLED:
        raise InvalidAction("This event is already cancelled.")
    event.status, event.cancel_reason = EventStatus.CANCELLED, cleaned[:1000]
    event.sequence += 1
    event.updated_at = utcnow()
    _notify_everyone_booked(db, event, NotificationKind.EVENT_CANCELLED, {"reason": cleaned[:1000]})
    enqueue_sync(db, kind="event", id=event.id)
    audit.record(
        db,
        actor=actor,
        action="event_cancelled",
        subject=None,
        subject_label=event.title,
        reason=cleaned,
        before={"status": "scheduled"},
        after={"status": "cancelled"},
    )
    return event


def hide_event(db: Session, *, actor: Member, event_id: str, reason: str) -> Event:
    """A moderator hides an event: it leaves lists, feeds and search at once. Nobody is
    notified and bookings stay, so unhiding puts everything back."""
    event = _lock_event(db, event_id)
    check_moderate_event_permission(actor, event)
    cleaned = reason.strip()[:1000]
    if not cleaned:
        raise InvalidInput({"reason": "Give a reason for hiding the event; its organiser sees it."})
    if event.hidden_reason is not None:
        raise InvalidAction("This event is already hidden.")
    event.hidden_reason, event.hidden_at = cleaned, utcnow()
    db.flush()
    enqueue_sync(db, kind="event", id=event.id)
    audit.record(
        db,
        actor=actor,
        action="event_hidden",
        subject=None,
        subject_label=event.title,
        reason=cleaned,
        after={"hidden": True},
    )
    return event


def unhide_event(db: Session, *, actor: Member, event_id: str, reason: str | None = None) -> Event:
    event = _lock_event(db, event_id)
    check_moderate_event_permission(actor, event)
    if event.hidden_reason is None:
        raise InvalidAction("This event is not hidden.")
    before = {"hidden_reason": event.hidden_reason}
    event.hidden_reason, event.hidden_at = None, None
    db.flush()
    enqueue_sync(db, kind="event", id=event.id)
    audit.record(
        db,
        actor=actor,
        action="event_unhidden",
        subject=None,
        subject_label=event.title,
        reason=reason,
        before=before,
        after={"hidden": False},
    )
    return event


def book(db: Session, *, actor: Member, event_id: str, reminder_hours: int) -> Booking:
    event = _lock_event(db, event_id)
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


def cancel_booking(
    db: Session, *, actor: Member, event_id: str, reminder_hours: int
) -> Cancellation:
    """Cancel a place or leave the waitlist; always allowed, full or not. A freed place goes
    at once to the first on the waitlist, who is told."""
    event = _lock_event(db, event_id)
    check_view_event_permission(actor, event)
    booking = db.execute(
        select(Booking).where(Booking.event_id == event.id, Booking.member_id == actor.id)
    ).scalar_one_or_none()
    if booking is None or booking.status not in ACTIVE:
        raise InvalidAction("You have no booking for this event.")
    was_booked = booking.status == BookingStatus.BOOKED
    booking.status, booking.cancelled_at = BookingStatus.CANCELLED, utcnow()
    db.flush()
    _tell_booker(db, event, actor.id, BookingStatus.CANCELLED)
    promoted = []
    if was_booked and event.status == EventStatus.SCHEDULED and event.starts_at > utcnow():
        promoted = _promote(db, event, reminder_hours=reminder_hours)
    return Cancellation(booking=booking, promoted=promoted)


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventView:
    event: Event
    booked: int
    waitlisted: int
    my_booking: BookingStatus | None
    show_joining_link: bool
    may_manage: bool

    @property
    def places_left(self) -> int | None:
        return None if self.event.capacity is None else max(0, self.event.capacity - self.booked)


def _views(db: Session, viewer: Member, events: list[Event]) -> list[EventView]:
    """Counts and the viewer's own bookings for many events in two queries."""
    ids = [event.id for event in events]
    counts: dict[tuple[str, BookingStatus], int] = {}
    for event_id, status, count in db.execute(
        select(Booking.event_id, Booking.status, func.count())
        .where(Booking.event_id.in_(ids), Booking.status.in_(ACTIVE))
        .group_by(Booking.event_id, Booking.status)
    ):
        counts[(event_id, status)] = count
    mine = dict(
        db.execute(
            select(Booking.event_id, Booking.status).where(
                Booking.event_id.in_(ids), Booking.member_id == viewer.id
            )
        ).all()
    )
    views = []
    for event in events:
        my_booking = mine.get(event.id)
        if my_booking == BookingStatus.CANCELLED:
            my_booking = None
        views.append(
            EventView(
                event=event,
                booked=counts.get((event.id, BookingStatus.BOOKED), 0),
                waitlisted=counts.get((event.id, BookingStatus.WAITLISTED), 0),
                my_booking=my_booking,
                show_joining_link=may_see_joining_link(viewer, event, my_booking),
                may_manage=may_manage_event(viewer, event),
            )
        )
    return views


def get_event(db: Session, *, viewer: Member, event_id: str) -> EventView:
    event = _load_event(db, event_id)
    check_view_event_permission(viewer, event)
    return _views(db, viewer, [event])[0]


@dataclass(frozen=True)
class EventFilter:
    when: str = "upcoming"
    type: EventType | None = None
    month: str | None = None
    organisation_id: str | None = None
    format: str | None = None


def _month_range(month: str) -> tuple[datetime, datetime] | None:
    try:
        first = datetime.strptime(month, "%Y-%m").replace(tzinfo=LONDON)
    except ValueError:
        return None
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def list_events(
    db: Session, *, viewer: Member, event_filter: EventFilter, offset: int, limit: int
) -> tuple[list[EventView], int]:
    now = utcnow()
    conditions = [listed_events_filter(viewer)]
    order = [Event.starts_at, Event.id]
    if event_filter.when == "past":
        conditions.append(Event.ends_at < now)
        order = [Event.starts_at.desc(), Event.id]
    elif event_filter.when == "mine":
        conditions.append(
            Event.id.in_(
                select(Booking.event_id).where(
                    Booking.member_id == viewer.id, Booking.status.in_(ACTIVE)
                )
            )
        )
        conditions.append(Event.ends_at >= now)
    else:
        conditions.append(Event.ends_at >= now)
    if event_filter.type:
        conditions.append(Event.type == event_filter.type)
    if event_filter.organisation_id:
        conditions.append(Event.host_organisation_id == event_filter.organisation_id)
    if event_filter.format in ("online", "in_person"):
        conditions.append(Event.online.is_(event_filter.format == "online"))
    if event_filter.month and (bounds := _month_range(event_filter.month)):
        conditions.append(and_(Event.starts_at < bounds[1], Event.ends_at > bounds[0]))
    total = db.execute(select(func.count()).select_from(Event).where(*conditions)).scalar_one()
    events = list(
        db.execute(
            select(Event)
            .where(*conditions)
            .options(selectinload(Event.organiser), selectinload(Event.host_organisation))
            .order_by(*order)
            .offset(offset)
            .limit(limit)
        ).scalars()
    )
    return _views(db, viewer, events), total


# --- organisers ---------------------------------------------------------------------------


def attendees(db: Session, *, actor: Member, event_id: str) -> tuple[Event, list[Booking]]:
    event = _load_event(db, event_id)
    check_manage_event_permission(actor, event)
    bookings = db.execute(
        select(Booking)
        .where(Booking.event_id == event.id, Booking.status.in_(ACTIVE))
        .options(selectinload(Booking.member).selectinload(Member.organisation))
        .order_by(Booking.status, Booking.requested_at, Booking.id)
    ).scalars()
    return event, list(bookings)


def attendees_csv(event: Event, bookings: list[Booking]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        ["name", "e-mail", "organisation", "status", "requested (Europe/London)", "attended"]
    )
    for booking in bookings:
        member = booking.member
        writer.writerow(
            [
                csv_safe(member.display_name),
                csv_safe(member.email or ""),
                member.organisation.name if member.organisation else "",
                booking.status.value,
                booking.requested_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M"),
                {True: "yes", False: "no", None: ""}[booking.attended],
            ]
        )
    return "\ufeff" + buffer.getvalue()


def mark_attendance(
    db: Session, *, actor: Member, event_id: str, attended_member_ids: set[str]
) -> int:
    """Record who came (it feeds the CPD record); only once the event has started."""
    event = _lock_event(db, event_id)
    check_manage_event_permission(actor, event)
    if event.starts_at > utcnow():
        raise InvalidAction("Attendance can be recorded once the event has started.")
    bookings = list(
        db.execute(
            select(Booking).where(
                Booking.event_id == event.id, Booking.status == BookingStatus.BOOKED
            )
        ).scalars()
    )
    unknown = attended_member_ids - {booking.member_id for booking in bookings}
    if unknown:
        raise InvalidInput({"attended_member_ids": "Only booked members can be marked."})
    for booking in bookings:
        booking.attended = booking.member_id in attended_member_ids
    db.flush()
    return sum(1 for booking in bookings if booking.attended)


# --- the private calendar feed ------------------------------------------------------------


def new_feed_token(db: Session, *, actor: Member) -> str:
    """A new secret for the member's feed URL; any earlier URL stops working."""
    token = secrets.token_urlsafe(24)
    feed = db.get(CalendarFeed, actor.id)
    if feed is None:
        db.add(CalendarFeed(member_id=actor.id, token_hash=hash_token(token)))
    else:
        feed.token_hash, feed.created_at = hash_token(token), utcnow()
    db.flush()
    return token


def revoke_feed(db: Session, *, actor: Member) -> None:
    feed = db.get(CalendarFeed, actor.id)
    if feed is None:
        raise InvalidAction("You have no calendar feed.")
    db.delete(feed)
    db.flush()


def has_feed(db: Session, *, actor: Member) -> bool:
    return db.get(CalendarFeed, actor.id) is not None


def feed_events(db: Session, *, token: str) -> tuple[Member, list[EventView]]:
    """The events the feed's member is booked on or waiting for, from a year ago on."""
    member = db.execute(
        select(Member)
        .join(CalendarFeed, CalendarFeed.member_id == Member.id)
        .where(CalendarFeed.token_hash == hash_token(token))
    ).scalar_one_or_none()
    if member is None:
        raise NotFound("There is no such calendar feed.")
    check_use_calendar_feed_permission(member)
    events = list(
        db.execute(
            select(Event)
            .join(Booking, Booking.event_id == Event.id)
            .where(
                Booking.member_id == member.id,
                Booking.status.in_(ACTIVE),
                Event.ends_at >= utcnow() - timedelta(days=365),
                listed_events_filter(member),
            )
            .options(selectinload(Event.organiser), selectinload(Event.host_organisation))
            .order_by(Event.starts_at)
        ).scalars()
    )
    return member, _views(db, member, events)


def upcoming_for_home(db: Session, *, viewer: Member, limit: int = 3) -> list[EventView]:
    views, _total = list_events(
        db, viewer=viewer, event_filter=EventFilter(), offset=0, limit=limit
    )
    return views
