"""For organisers: who is booked or waiting, as a list or CSV, and who came."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.audit.csv import csv_safe
from app.db import LONDON, utcnow
from app.errors import InvalidAction, InvalidInput
from app.events.models import Booking, BookingStatus, Event
from app.events.service._common import ACTIVE, _load_event, lock_event_for_update
from app.members.models import Member
from app.policy import check_manage_event_permission


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
    event = lock_event_for_update(db, event_id)
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
