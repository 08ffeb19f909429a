"""Who may see events, their joining links and attendee lists, and who may change them."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from app.errors import Forbidden, NotFound
from app.events.models import BookingStatus, Event
from app.members.models import Member
from app.policy.content import may_see_group_content, visible_to_member_filter


def check_view_event_permission(viewer: Member, event: Event) -> None:
    if not may_see_group_content(viewer, event.group_id):
        raise NotFound("There is no such event.")


def check_manage_event_permission(viewer: Member, event: Event) -> None:
    """Editing, cancelling, the attendee list and attendance: the organiser and admins."""
    check_view_event_permission(viewer, event)
    if viewer.id != event.organiser_id and not viewer.is_admin:
        raise Forbidden("Only the event's organiser or an admin can do that.")


def may_see_joining_link(viewer: Member, event: Event, booking: BookingStatus | None) -> bool:
    """Only booked members (and the organiser and admins) ever receive the joining link:
    on the page, in lists, in the API and in calendar files."""
    return booking == BookingStatus.BOOKED or viewer.id == event.organiser_id or viewer.is_admin


def listed_events_filter(viewer: Member) -> ColumnElement[bool]:
    return visible_to_member_filter(viewer, Event.group_id)
