"""iCalendar files: one event, or a member's private feed of their bookings.

Times are written in Europe/London with its VTIMEZONE, so a calendar shows an event on the
last Sunday of October at the local time it was set for, across the change from BST to
GMT. The UID never changes; every edit raises SEQUENCE; a cancellation is STATUS:CANCELLED.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import nh3
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from app.db import LONDON, utcnow
from app.events.models import EventStatus
from app.events.service import EventView

PRODUCT_ID = "-//Children's Social Work Partnership//Portal//EN"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|pre|tr)>|<br\s*/?>", re.IGNORECASE)
_LINK = re.compile(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


def plain_text(description_html: str) -> str:
    """The description as a calendar shows it: plain text, from the sanitized HTML (not
    the Markdown source, whose asterisks and brackets a calendar would show as they are)."""
    with_links = _LINK.sub(
        lambda link: (
            link.group(2)
            if html.unescape(link.group(1)) == html.unescape(link.group(2))
            else f"{link.group(2)} ({link.group(1)})"
        ),
        description_html,
    )
    text = html.unescape(nh3.clean(_BLOCK_END.sub("\n", with_links), tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _component(view: EventView, base_url: str) -> CalendarEvent:
    event = view.event
    component = CalendarEvent()
    component.add("uid", event.calendar_uid)
    component.add("dtstamp", utcnow())
    component.add("sequence", event.sequence)
    component.add("summary", event.title)
    if event.all_day:
        start = event.starts_at.astimezone(LONDON).date()
        end = event.ends_at.astimezone(LONDON).date()
        component.add("dtstart", start)
        component.add("dtend", max(end, start + timedelta(days=1)))
    else:
        component.add("dtstart", event.starts_at.astimezone(LONDON))
        component.add("dtend", event.ends_at.astimezone(LONDON))
    page = f"{base_url}/events/{event.id}"
    component.add("url", page)
    if event.online:
        component.add("location", "Online")
    else:
        component.add("location", ", ".join(part for part in (event.venue, event.address) if part))
    description = [plain_text(event.description_html), "", f"Details and your booking: {page}"]
    if view.show_joining_link and event.joining_link:
        description.append(f"Joining link: {event.joining_link}")
    component.add("description", "\n".join(description))
    cancelled = event.status == EventStatus.CANCELLED
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return component


def event_ics(view: EventView, *, base_url: str) -> bytes:
    calendar = _calendar(view.event.title)
    calendar.add("method", "CANCEL" if view.event.status == EventStatus.CANCELLED else "PUBLISH")
    calendar.add_component(_component(view, base_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_ics(views: list[EventView], *, base_url: str, member_name: str) -> bytes:
    calendar = _calendar(f"Partnership events: {member_name}")
    for view in views:
        calendar.add_component(_component(view, base_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()
