"""Events as JSON: lists, booking, organisers' actions, calendar files."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from app.events import service
from app.events.calendar import event_ics
from app.events.models import EventType
from app.events.schemas import (
    AttendanceBody,
    AttendeeOut,
    BookingOut,
    CancelEvent,
    EventData,
    EventOut,
    EventPage,
    FeedOut,
)
from app.events.views import ics_response
from app.security.rate_limits import member_rate_limit
from app.web.deps import CurrentMember, DbSession, SettingsDep
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_page_fields

router = APIRouter(prefix="/api/v1/events", tags=["events"])


def event_out(view: service.EventView) -> EventOut:
    event = view.event
    return EventOut(
        id=event.id,
        title=event.title,
        description_html=event.description_html,
        type=event.type,
        status=event.status,
        cancel_reason=event.cancel_reason,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        all_day=event.all_day,
        online=event.online,
        venue=event.venue,
        address=event.address,
        joining_link=event.joining_link if view.show_joining_link else None,
        organiser=event.organiser.display_name if event.organiser else None,
        host_organisation=event.host_organisation.name if event.host_organisation else None,
        capacity=event.capacity,
        places_left=view.places_left,
        waitlist=view.waitlisted,
        booking_deadline=event.booking_deadline,
        cpd_hours=event.cpd_hours,
        my_booking=view.my_booking,
        calendar_url=f"/api/v1/events/{event.id}/calendar.ics",
    )


@router.get("", response_model=EventPage, summary="Events: upcoming (default), past or yours")
def list_events(
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    when: Annotated[str, Query(pattern="^(upcoming|past|mine)$")] = "upcoming",
    type: EventType | None = None,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    organisation_id: Annotated[str | None, Query(max_length=36)] = None,
    format: Annotated[str | None, Query(pattern="^(online|in_person)$")] = None,
) -> EventPage:
    views, total, page = service.list_events(
        db,
        viewer=member,
        event_filter=service.EventFilter(
            when=when, type=type, month=month, organisation_id=organisation_id, format=format
        ),
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    return EventPage(
        **cursor_page_fields(page, total, PAGE_SIZE), events=[event_out(v) for v in views]
    )


@router.post("", response_model=EventOut, status_code=201, summary="Add an event")
def create_event(db: DbSession, member: CurrentMember, body: EventData) -> EventOut:
    event = service.create_event(db, actor=member, data=body)
    return event_out(service.get_event(db, viewer=member, event_id=event.id))


@router.get("/{event_id}", response_model=EventOut, summary="One event")
def read_event(db: DbSession, member: CurrentMember, event_id: str) -> EventOut:
    return event_out(service.get_event(db, viewer=member, event_id=event_id))


@router.put("/{event_id}", response_model=EventOut, summary="Change an event (organisers)")
def update_event(
    db: DbSession, member: CurrentMember, settings: SettingsDep, event_id: str, body: EventData
) -> EventOut:
    service.update_event(
        db,
        actor=member,
        event_id=event_id,
        data=body,
        reminder_hours=settings.event_reminder_hours,
    )
    return event_out(service.get_event(db, viewer=member, event_id=event_id))


@router.post("/{event_id}/cancel", response_model=EventOut, summary="Cancel an event")
def cancel_event(
    db: DbSession, member: CurrentMember, event_id: str, body: CancelEvent
) -> EventOut:
    service.cancel_event(db, actor=member, event_id=event_id, reason=body.reason)
    return event_out(service.get_event(db, viewer=member, event_id=event_id))


@router.post(
    "/{event_id}/booking",
    dependencies=[Depends(member_rate_limit("booking"))],
    response_model=BookingOut,
    status_code=201,
    summary="Book a place, or join the waitlist when the event is full",
)
def book(db: DbSession, member: CurrentMember, settings: SettingsDep, event_id: str) -> BookingOut:
    booking = service.book(
        db, actor=member, event_id=event_id, reminder_hours=settings.event_reminder_hours
    )
    return BookingOut(event_id=event_id, status=booking.status)


@router.delete(
    "/{event_id}/booking",
    response_model=BookingOut,
    summary="Cancel your place or leave the waitlist",
)
def cancel_booking(
    db: DbSession, member: CurrentMember, settings: SettingsDep, event_id: str
) -> BookingOut:
    cancellation = service.cancel_booking(
        db, actor=member, event_id=event_id, reminder_hours=settings.event_reminder_hours
    )
    return BookingOut(
        event_id=event_id,
        status=cancellation.booking.status,
        promoted=cancellation.promoted[0] if cancellation.promoted else None,
    )


@router.get(
    "/{event_id}/attendees", response_model=list[AttendeeOut], summary="Attendees and waitlist"
)
def attendees(db: DbSession, member: CurrentMember, event_id: str) -> list[AttendeeOut]:
    _event, bookings = service.attendees(db, actor=member, event_id=event_id)
    return [
        AttendeeOut(
            member_id=booking.member_id,
            name=booking.member.display_name,
            email=booking.member.email,
            organisation=booking.member.organisation.name if booking.member.organisation else None,
            status=booking.status,
            requested_at=booking.requested_at,
            attended=booking.attended,
        )
        for booking in bookings
    ]


@router.put("/{event_id}/attendance", status_code=204, summary="Record who attended")
def attendance(
    db: DbSession, member: CurrentMember, event_id: str, body: AttendanceBody
) -> Response:
    service.mark_attendance(
        db, actor=member, event_id=event_id, attended_member_ids=set(body.attended_member_ids)
    )
    return Response(status_code=204)


@router.get(
    "/{event_id}/calendar.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
    summary="The event as an iCalendar file",
)
def calendar(
    db: DbSession, member: CurrentMember, settings: SettingsDep, event_id: str
) -> Response:
    view = service.get_event(db, viewer=member, event_id=event_id)
    return ics_response(event_ics(view, base_url=settings.base_url), f"event-{event_id}.ics")


@router.post(
    "/feed", response_model=FeedOut, status_code=201, summary="A new private calendar feed URL"
)
def new_feed(db: DbSession, member: CurrentMember, settings: SettingsDep) -> FeedOut:
    token = service.new_feed_token(db, actor=member)
    return FeedOut(url=f"{settings.base_url}/calendar/{token}.ics")


@router.delete("/feed", status_code=204, summary="Switch off your calendar feed")
def revoke_feed(db: DbSession, member: CurrentMember) -> Response:
    service.revoke_feed(db, actor=member)
    return Response(status_code=204)
