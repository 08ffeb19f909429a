"""The private calendar feed: a secret URL per member listing the events they are booked
on or waiting for."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db import utcnow
from app.errors import InvalidAction, NotFound
from app.events.models import Booking, CalendarFeed, Event
from app.events.service._common import ACTIVE
from app.events.service.reading import EventView, _views
from app.members.models import Member
from app.policy import listed_events_filter
from app.policy.events import check_use_calendar_feed_permission
from app.security.sessions import hash_token


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
