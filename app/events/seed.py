"""Demo events for ``portal seed --demo``: past and upcoming events of every type, some
full with a waitlist. Times are set relative to today, so the demo always has both."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import LONDON, utcnow
from app.discussions.markdown import render_markdown
from app.events.models import Booking, BookingStatus, Event, EventType
from app.members.models import Member, MemberIdentity, Organisation

DEMO_EVENTS = (
    # (title, type, days from today, start hour, hours, online, capacity, organiser, host)
    (
        "Festival of Social Work 2027",
        EventType.CONFERENCE,
        45,
        9,
        7,
        False,
        4,
        "amara.okafor",
        "Leeds City Council",
    ),
    (
        "Contextual safeguarding in practice",
        EventType.WORKSHOP,
        12,
        13,
        3,
        False,
        2,
        "priya.shah",
        "Bradford Council",
    ),
    (
        "ASYE peer support webinar",
        EventType.WEBINAR,
        5,
        12,
        1,
        True,
        None,
        "chloe.barker",
        "Wakefield Council",
    ),
    (
        "Principal social workers' network meeting",
        EventType.MEETING,
        20,
        10,
        2,
        True,
        20,
        "tom.hargreaves",
        "Sheffield City Council",
    ),
    (
        "Court skills: writing the social work evidence template",
        EventType.TRAINING,
        30,
        9,
        6,
        False,
        12,
        "gareth.evans",
        "Hull City Council",
    ),
    (
        "Neglect and poverty: research briefing",
        EventType.WEBINAR,
        -14,
        12,
        1,
        True,
        None,
        "dr.helen.moss",
        "University of York",
    ),
    (
        "Reflective supervision for new managers",
        EventType.WORKSHOP,
        -40,
        10,
        3,
        False,
        15,
        "gareth.evans",
        "Hull City Council",
    ),
)

DESCRIPTION = (
    "A partnership event for children's social workers across the region.\n\n"
    "- who it is for: practitioners, managers and students\n"
    "- what to bring: a question from your practice (anonymised)"
)


def _member(db: Session, issuer: str, subject: str) -> Member:
    return db.execute(
        select(Member)
        .join(MemberIdentity, MemberIdentity.member_id == Member.id)
        .where(MemberIdentity.issuer == issuer, MemberIdentity.subject == subject)
    ).scalar_one()


def seed_events(db: Session, *, settings: Settings) -> int:
    """Idempotent by title; bookings by the demo members fill some events to a waitlist."""
    existing = set(db.execute(select(Event.title)).scalars())
    attendees = [
        _member(db, settings.dev_oidc_issuer, subject)
        for subject in (
            "tom.hargreaves",
            "priya.shah",
            "gareth.evans",
            "chloe.barker",
            "dr.helen.moss",
            "amara.okafor",
        )
    ]
    today = utcnow().astimezone(LONDON).replace(minute=0, second=0, microsecond=0)
    added = 0
    for title, kind, days, hour, hours, online, capacity, organiser, host in DEMO_EVENTS:
        if title in existing:
            continue
        starts = (today + timedelta(days=days)).replace(hour=hour)
        host_id = db.execute(
            select(Organisation.id).where(Organisation.name == host)
        ).scalar_one_or_none()
        event = Event(
            title=title,
            description=DESCRIPTION,
            description_html=render_markdown(DESCRIPTION),
            type=kind,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            online=online,
            venue=None if online else f"{host} training centre",
            address=None if online else "Town hall, city centre",
            joining_link="https://meet.example.org/partnership-demo" if online else None,
            organiser_id=_member(db, settings.dev_oidc_issuer, organiser).id,
            host_organisation_id=host_id,
            capacity=capacity,
            cpd_hours=float(hours),
        )
        db.add(event)
        db.flush()
        places = capacity if capacity is not None else 3
        for position, member in enumerate(m for m in attendees if m.id != event.organiser_id):
            status = BookingStatus.BOOKED if position < places else BookingStatus.WAITLISTED
            db.add(
                Booking(
                    event_id=event.id,
                    member_id=member.id,
                    status=status,
                    requested_at=utcnow() - timedelta(minutes=60 - position),
                    booked_at=utcnow() if status == BookingStatus.BOOKED else None,
                    attended=True if days < 0 and status == BookingStatus.BOOKED else None,
                )
            )
        added += 1
    db.flush()
    return added
