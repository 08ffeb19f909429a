"""Reading events: one event or a filtered list, with places left and the viewer's own
booking, and the next few for the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, union
from sqlalchemy.orm import Session, joinedload

from app.db import LONDON, utcnow
from app.events.models import Booking, BookingStatus, Event, EventType
from app.events.service._common import ACTIVE, _load_event
from app.keyset import CappedCount, Cursor, KeysetPage, capped_count, keyset_page
from app.members.models import Member
from app.policy import check_view_event_permission, listed_events_filter, may_see_joining_link
from app.policy.events import may_manage_event


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
    """Counts and the viewer's own bookings for many events in two queries (none for
    an empty list)."""
    if not events:
        return []
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


def _not_before_the_earliest_unfinished(now: datetime) -> ColumnElement[bool]:
    """A redundant bound for the upcoming list, read in starts_at order: nothing unfinished
    starts before the earliest-starting unfinished event, so the index can begin there
    instead of stepping over every past event first (thousands, and always growing). The
    bound comes from the (ends_at, starts_at) index alone: ``min(coalesce(starts_at,
    starts_at))`` rather than ``min(starts_at)``, which PostgreSQL would answer by walking
    the starts_at index from the oldest event, the very walk this avoids."""
    earliest = (
        select(func.min(func.coalesce(Event.starts_at, Event.starts_at)))
        .where(Event.ends_at >= now)
        .scalar_subquery()
    )
    return Event.starts_at >= earliest


def list_events(
    db: Session,
    *,
    viewer: Member,
    event_filter: EventFilter,
    cursor: Cursor | None,
    limit: int,
) -> tuple[list[EventView], CappedCount, KeysetPage[Any]]:
    """A page of events: upcoming and the viewer's soonest first, past ones latest first."""
    now = utcnow()
    conditions = [listed_events_filter(viewer)]
    descending = False
    if event_filter.when == "past":
        # An event starts before it ends: the redundant bound lets the starts_at index
        # begin at now instead of stepping over every upcoming event first.
        conditions += [Event.ends_at < now, Event.starts_at < now]
        descending = True
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
        conditions += [Event.ends_at >= now, _not_before_the_earliest_unfinished(now)]
    if event_filter.type:
        conditions.append(Event.type == event_filter.type)
    if event_filter.organisation_id:
        conditions.append(Event.host_organisation_id == event_filter.organisation_id)
    if event_filter.format in ("online", "in_person"):
        conditions.append(Event.online.is_(event_filter.format == "online"))
    if event_filter.month and (bounds := _month_range(event_filter.month)):
        conditions.append(and_(Event.starts_at < bounds[1], Event.ends_at > bounds[0]))
    total = capped_count(db, select(Event.id).where(*conditions))
    page = keyset_page(
        db,
        select(Event)
        .where(*conditions)
        .options(joinedload(Event.organiser), joinedload(Event.host_organisation)),
        keys=[Event.starts_at, Event.id],
        descending=descending,
        cursor=cursor,
        limit=limit,
    )
    return _views(db, viewer, [row[0] for row in page.items]), total, page


def upcoming_for_home(db: Session, *, viewer: Member, limit: int = 3) -> list[EventView]:
    views, _total, _page = list_events(
        db, viewer=viewer, event_filter=EventFilter(), cursor=None, limit=limit
    )
    return views


@dataclass(frozen=True)
class HomeEvents:
    mine: list[EventView]
    upcoming: list[EventView]


def events_for_home(db: Session, *, viewer: Member, limit: int = 3) -> HomeEvents:
    """The viewer's next booked (or waitlisted) events and the next events of all, for
    the home page, in three statements whatever the member has booked: one for the
    events of both lists, two for their bookings (_views). No totals, no organisers or
    hosts: the home page shows neither."""
    now = utcnow()
    listed = [listed_events_filter(viewer), Event.ends_at >= now]
    order = [Event.starts_at, Event.id]
    next_of_all = (
        select(Event.id)
        .where(*listed, _not_before_the_earliest_unfinished(now))
        .order_by(*order)
        .limit(limit)
    )
    next_of_mine = (
        select(Event.id)
        .where(
            *listed,
            Event.id.in_(
                select(Booking.event_id).where(
                    Booking.member_id == viewer.id, Booking.status.in_(ACTIVE)
                )
            ),
        )
        .order_by(*order)
        .limit(limit)
    )
    # One IN over the union, not two INs joined by OR: PostgreSQL answers an OR of two
    # subqueries by filtering every event in date order (20,000 at national size).
    either = union(select(next_of_all.subquery().c.id), select(next_of_mine.subquery().c.id))
    events = list(db.execute(select(Event).where(Event.id.in_(either)).order_by(*order)).scalars())
    views = _views(db, viewer, events)
    # The union's first `limit` are the next of all; the viewer's own among it are the
    # next of theirs (any earlier booking of theirs would be among the next of all).
    return HomeEvents(
        mine=[view for view in views if view.my_booking in ACTIVE][:limit],
        upcoming=views[:limit],
    )
