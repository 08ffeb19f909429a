"""Event pages: lists, an event with booking, organisers' forms, attendees, calendar files."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.cpd import service as cpd
from app.cpd.models import LinkedItem
from app.db import LONDON
from app.errors import Forbidden, InvalidAction, InvalidInput
from app.events import service
from app.events.calendar import event_ics, feed_ics
from app.events.models import EventType
from app.events.schemas import FIELD_LABELS, EventData
from app.groups.service import group_choices, group_names
from app.guard.forms import form_refusal_context, refusal_status
from app.guard.schemas import guard_choice_from
from app.guard.service import PassagesFound
from app.security.rate_limits import member_rate_limit
from app.web.confirmation import Confirmation, Confirmed, confirmation_page, is_confirmed
from app.web.deps import CurrentMember, DbSession, SettingsDep
from app.web.flash import flash
from app.web.forms import plain_field_errors
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_pager
from app.web.reference_data import organisation_list
from app.web.templating import render

router = APIRouter(tags=["events"])
FORM_FIELDS = (
    "title",
    "description",
    "type",
    "start_date",
    "start_time",
    "end_date",
    "end_time",
    "venue",
    "address",
    "joining_link",
    "host_organisation_id",
    "capacity",
    "booking_deadline",
    "cpd_hours",
    "group_id",
)
CHECKBOXES = ("all_day", "online")


def event_data_from(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: form.get(name) for name in FORM_FIELDS if name in form}
    for name in CHECKBOXES:
        values[name] = form.get(name) == "on"
    values.update(guard_choice_from(form))
    return values


GUARDED_FIELDS = {"title": "title", "description": "description"}


def ics_response(body: bytes, filename: str) -> Response:
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/events", summary="Upcoming and past events, and your bookings")
def list_events(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    when: Annotated[str, Query(pattern="^(upcoming|past|mine)$")] = "upcoming",
    type: Annotated[str | None, Query(max_length=20)] = None,
    month: Annotated[str | None, Query(max_length=7)] = None,
    organisation: Annotated[str | None, Query(max_length=36)] = None,
    format: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    event_type = EventType(type) if type in {t.value for t in EventType} else None
    views, total, page = service.list_events(
        db,
        viewer=member,
        event_filter=service.EventFilter(
            when=when,
            type=event_type,
            month=month or None,
            organisation_id=organisation or None,
            format=format or None,
        ),
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    filters = {
        "when": when,
        "type": type,
        "month": month,
        "organisation": organisation,
        "format": format,
    }
    return render(
        request,
        "events/list.html",
        {
            "views": views,
            "total": total,
            "pager": cursor_pager(page, filters),
            "filters": filters,
            "types": list(EventType),
            "organisations": organisation_list(request, db),
            "has_feed": service.has_feed(db, actor=member),
            "group_names": group_names(
                db, viewer=member, group_ids=[view.event.group_id for view in views]
            ),
        },
    )


def _form_page(
    request: Request,
    db: DbSession,
    *,
    event_id: str | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    refusal: PassagesFound | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "events/form.html",
        {
            "event_id": event_id,
            "values": values,
            "errors": errors or {},
            **form_refusal_context(refusal, values, GUARDED_FIELDS),
            "types": list(EventType),
            "organisations": organisation_list(request, db),
            "groups": group_choices(db, member=request.state.member),
        },
        status_code=status_code,
    )


@router.get("/events/new", summary="Form to add an event")
def new_event(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    group: Annotated[str | None, Query(max_length=36)] = None,
) -> Response:
    values = {
        "type": "workshop",
        "host_organisation_id": member.organisation_id,
        "group_id": group,
    }
    return _form_page(request, db, event_id=None, values=values)


@router.post("/events", summary="Add an event")
async def create_event(request: Request, db: DbSession, member: CurrentMember) -> Response:
    values = event_data_from(await request.form())
    try:
        data = EventData.model_validate(values)
        event = service.create_event(db, actor=member, data=data)
    except (ValidationError, InvalidInput) as error:
        errors = (
            plain_field_errors(error, FIELD_LABELS)
            if isinstance(error, ValidationError)
            else error.errors
        )
        return _form_page(request, db, event_id=None, values=values, errors=errors, status_code=422)
    except PassagesFound as found:
        return _form_page(
            request,
            db,
            event_id=None,
            values=values,
            refusal=found,
            status_code=refusal_status(found),
        )
    response = RedirectResponse(f"/events/{event.id}", status_code=303)
    flash(request, response, f"“{event.title}” is published.")
    return response


@router.get("/events/{event_id}", summary="An event, its places and your booking")
def read_event(request: Request, db: DbSession, member: CurrentMember, event_id: str) -> Response:
    view = service.get_event(db, viewer=member, event_id=event_id)
    suggestion = cpd.suggestion_for_item(
        db, member=member, item_type=LinkedItem.EVENT, item_id=view.event.id
    )
    names = group_names(db, viewer=member, group_ids=[view.event.group_id])
    return render(
        request,
        "events/detail.html",
        {"view": view, "cpd_suggestion": suggestion, "group_names": names},
    )


def _redirect(request: Request, event_id: str, message: str, kind: str = "success") -> Response:
    response = RedirectResponse(f"/events/{event_id}", status_code=303)
    flash(request, response, message, kind)  # type: ignore[arg-type]
    return response


@router.post(
    "/events/{event_id}/book",
    summary="Book a place, or join the waitlist when full",
    dependencies=[Depends(member_rate_limit("booking"))],
)
def book(
    request: Request, db: DbSession, member: CurrentMember, settings: SettingsDep, event_id: str
) -> Response:
    try:
        booking = service.book(
            db, actor=member, event_id=event_id, reminder_hours=settings.event_reminder_hours
        )
    except InvalidAction as error:
        return _redirect(request, event_id, str(error), "error")
    if booking.status == "waitlisted":
        return _redirect(request, event_id, "The event is full: you are on the waitlist.", "info")
    return _redirect(request, event_id, "You are booked.")


@router.post(
    "/events/{event_id}/cancel-booking",
    summary="Cancel your place or leave the waitlist",
    dependencies=[Depends(member_rate_limit("booking"))],
)
def cancel_booking(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    settings: SettingsDep,
    event_id: str,
    confirmed: Confirmed = None,
) -> Response:
    if not is_confirmed(confirmed):
        view = service.get_event(db, viewer=member, event_id=event_id)
        if view.my_booking is None:
            return _redirect(request, event_id, "You have no booking for this event.", "error")
        booked = view.my_booking.value == "booked"
        title = view.event.title
        return confirmation_page(
            request,
            Confirmation(
                question=f"Cancel your place on “{title}”?"
                if booked
                else f"Leave the waitlist for “{title}”?",
                consequence="Your place goes to the first person on the waitlist; if you book "
                "again you may find the event full."
                if booked
                else "You will not be offered a place if one comes up.",
                action=f"/events/{event_id}/cancel-booking",
                confirm_label="Yes, cancel my place" if booked else "Yes, leave the waitlist",
                back_href=f"/events/{event_id}",
            ),
        )
    try:
        cancellation = service.cancel_booking(
            db, actor=member, event_id=event_id, reminder_hours=settings.event_reminder_hours
        )
    except InvalidAction as error:
        return _redirect(request, event_id, str(error), "error")
    if cancellation.left_waitlist:
        return _redirect(request, event_id, "You have left the waitlist.")
    return _redirect(request, event_id, "Your booking is cancelled.")


@router.get("/events/{event_id}/calendar.ics", summary="The event as an iCalendar file")
def event_calendar(
    db: DbSession, member: CurrentMember, settings: SettingsDep, event_id: str
) -> Response:
    view = service.get_event(db, viewer=member, event_id=event_id)
    return ics_response(event_ics(view, base_url=settings.base_url), f"event-{event_id}.ics")


@router.get("/events/{event_id}/edit", summary="Form to change an event")
def edit_form(request: Request, db: DbSession, member: CurrentMember, event_id: str) -> Response:
    view = service.get_event(db, viewer=member, event_id=event_id)
    if not view.may_manage:
        raise Forbidden("Only the event's organiser or an admin can change it.")
    event = view.event
    starts, ends = event.starts_at.astimezone(LONDON), event.ends_at.astimezone(LONDON)
    if event.all_day:
        ends = ends - timedelta(days=1)
    values = {
        "title": event.title,
        "description": event.description,
        "type": event.type.value,
        "start_date": starts.date().isoformat(),
        "start_time": starts.strftime("%H:%M"),
        "end_date": ends.date().isoformat(),
        "end_time": ends.strftime("%H:%M"),
        "all_day": event.all_day,
        "online": event.online,
        "venue": event.venue,
        "address": event.address,
        "joining_link": event.joining_link,
        "host_organisation_id": event.host_organisation_id,
        "capacity": event.capacity,
        "booking_deadline": event.booking_deadline.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
        if event.booking_deadline
        else None,
        "cpd_hours": event.cpd_hours,
        "group_id": event.group_id,
    }
    return _form_page(request, db, event_id=event.id, values=values)


@router.post("/events/{event_id}/edit", summary="Save changes to an event")
async def edit(
    request: Request, db: DbSession, member: CurrentMember, settings: SettingsDep, event_id: str
) -> Response:
    values = event_data_from(await request.form())
    try:
        data = EventData.model_validate(values)
        service.update_event(
            db,
            actor=member,
            event_id=event_id,
            data=data,
            reminder_hours=settings.event_reminder_hours,
        )
    except (ValidationError, InvalidInput, InvalidAction) as error:
        if isinstance(error, ValidationError):
            errors = plain_field_errors(error, FIELD_LABELS)
        elif isinstance(error, InvalidInput):
            errors = error.errors
        else:
            errors = {"form": str(error)}
        return _form_page(
            request, db, event_id=event_id, values=values, errors=errors, status_code=422
        )
    except PassagesFound as found:
        return _form_page(
            request,
            db,
            event_id=event_id,
            values=values,
            refusal=found,
            status_code=refusal_status(found),
        )
    return _redirect(
        request,
        event_id,
        "The event is updated; everyone booked will be told of a new time or place.",
    )


@router.post("/events/{event_id}/cancel", summary="Cancel the event, with a reason")
async def cancel_event(
    request: Request, db: DbSession, member: CurrentMember, event_id: str
) -> Response:
    form = await request.form()
    reason = str(form.get("reason") or "")
    if reason.strip() and not is_confirmed(str(form.get("confirmed") or "")):
        view = service.get_event(db, viewer=member, event_id=event_id)
        if not view.may_manage:
            raise Forbidden("Only the event's organiser or an admin can cancel it.")
        return confirmation_page(
            request,
            Confirmation(
                question=f"Cancel the event “{view.event.title}”?",
                consequence=f"Everyone booked or waiting ({view.booked + view.waitlisted}) is "
                "told, with your reason. A cancelled event cannot be booked again.",
                action=f"/events/{event_id}/cancel",
                confirm_label="Yes, cancel the event",
                back_href=f"/events/{event_id}",
                carried={"reason": reason},
            ),
        )
    try:
        service.cancel_event(
            db, actor=member, event_id=event_id, reason=str(form.get("reason") or "")
        )
    except (InvalidInput, InvalidAction) as error:
        return _redirect(request, event_id, str(error).removeprefix("reason: "), "error")
    return _redirect(request, event_id, "The event is cancelled; everyone booked will be told.")


@router.get("/events/{event_id}/attendees", summary="Who is booked and waiting (organisers)")
def attendees(request: Request, db: DbSession, member: CurrentMember, event_id: str) -> Response:
    event, bookings = service.attendees(db, actor=member, event_id=event_id)
    count = cpd.event_cpd_count(db, viewer=member, event=event)
    return render(
        request,
        "events/attendees.html",
        {"event": event, "bookings": bookings, "cpd_count": count},
    )


@router.get("/events/{event_id}/attendees.csv", summary="The attendee and waitlist lists as CSV")
def attendees_csv(db: DbSession, member: CurrentMember, event_id: str) -> Response:
    event, bookings = service.attendees(db, actor=member, event_id=event_id)
    return Response(
        service.attendees_csv(event, bookings).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="attendees-{event.id}.csv"'},
    )


@router.post("/events/{event_id}/attendance", summary="Record who attended")
async def attendance(
    request: Request, db: DbSession, member: CurrentMember, event_id: str
) -> Response:
    form = await request.form()
    attended = {str(value) for value in form.getlist("attended")}
    try:
        count = service.mark_attendance(
            db, actor=member, event_id=event_id, attended_member_ids=attended
        )
    except (InvalidAction, InvalidInput) as error:
        response = RedirectResponse(f"/events/{event_id}/attendees", status_code=303)
        flash(request, response, str(error), "error")
        return response
    response = RedirectResponse(f"/events/{event_id}/attendees", status_code=303)
    flash(request, response, f"Attendance saved: {count} attended.")
    return response


@router.post("/events/feed", summary="Make a new private calendar feed URL (shown once)")
def new_feed(
    request: Request, db: DbSession, member: CurrentMember, settings: SettingsDep
) -> Response:
    token = service.new_feed_token(db, actor=member)
    return render(
        request,
        "events/feed.html",
        {"url": f"{settings.base_url}/calendar/{token}.ics"},
        status_code=201,
    )


@router.post("/events/feed/revoke", summary="Stop your calendar feed URL working")
def revoke_feed(request: Request, db: DbSession, member: CurrentMember) -> Response:
    try:
        service.revoke_feed(db, actor=member)
    except InvalidAction as error:
        response = RedirectResponse("/events?when=mine", status_code=303)
        flash(request, response, str(error), "error")
        return response
    response = RedirectResponse("/events?when=mine", status_code=303)
    flash(request, response, "Your calendar feed is switched off; its URL no longer works.")
    return response


@router.get("/calendar/{token}.ics", summary="A member's private feed of their bookings")
def calendar_feed(token: str, db: DbSession, settings: SettingsDep) -> Response:
    """Public path: the secret in the URL is the credential, as calendar apps cannot sign
    in. A wrong or revoked token answers 404."""
    member, views = service.feed_events(db, token=token)
    return ics_response(
        feed_ics(views, base_url=settings.base_url, member_name=member.display_name),
        "partnership-events.ics",
    )
