"""Who may see events, their joining links and attendee lists, and who may change them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from app.errors import Forbidden, NotFound
from app.events.models import BookingStatus, Event
from app.members.models import Member, MemberStatus
from app.policy.content import may_see_group_content, visible_to_member_filter


def check_view_event_permission(viewer: Member, event: Event) -> None:
    if not may_see_group_content(viewer, event.group_id):
        raise NotFound("There is no such event.")
    if event.hidden_reason is not None and not (viewer.is_staff or viewer.id == event.organiser_id):
        raise NotFound("There is no such event.")


def may_manage_event(viewer: Member, event: Event) -> bool:
    """Editing, cancelling, the attendee list and attendance: the organiser and admins."""
    return viewer.id == event.organiser_id or viewer.is_admin


def check_manage_event_permission(viewer: Member, event: Event) -> None:
    check_view_event_permission(viewer, event)
    if not may_manage_event(viewer, event):
        raise Forbidden("Only the event's organiser or an admin can do that.")


def check_moderate_event_permission(viewer: Member, event: Event) -> None:
    """Hide and unhide: the portal's moderators and admins."""
    check_view_event_permission(viewer, event)
    if not viewer.is_staff:
        raise Forbidden("Only moderators can hide or unhide an event.")


def may_see_joining_link(viewer: Member, event: Event, booking: BookingStatus | None) -> bool:
    """Only booked members (and the organiser and admins) ever receive the joining link:
    on the page, in lists, in the API and in calendar files."""
    return booking == BookingStatus.BOOKED or may_manage_event(viewer, event)


def listed_events_filter(viewer: Member) -> ColumnElement[bool]:
    """Lists and feeds leave hidden events out, for staff too; staff reach them by link."""
    return and_(visible_to_member_filter(viewer, Event.group_id), Event.hidden_reason.is_(None))


def check_use_calendar_feed_permission(member: Member) -> None:
    """A feed URL works only while its member is active: a suspended or departed member's
    feed is answered like an unknown token."""
    if member.status != MemberStatus.ACTIVE:
        raise NotFound("There is no such calendar feed.")
