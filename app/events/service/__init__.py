"""Rules for events: creating and changing them, booking, the waitlist, attendance and the
private calendar feed. The event row is locked while places are counted, so an event is
never overbooked (PostgreSQL: SELECT ... FOR UPDATE; SQLite: transactions begin IMMEDIATE
and run one at a time).

Changes to an event and the announcements they make (changes.py), booking and cancelling
(bookings.py), reading (reading.py), attendance for organisers (attendance.py) and the
private calendar feed (feeds.py), beside what they share (_common.py: locking, reminders,
waitlist promotion); this package re-exports their public names, so
`from app.events import service` and `service.book(...)` keep working.
"""

from app.events.service._common import ACTIVE, REMINDER_TOPIC, REQUEUE_REMINDERS_TOPIC
from app.events.service.attendance import attendees, attendees_csv, mark_attendance
from app.events.service.bookings import Cancellation, book, cancel_booking
from app.events.service.changes import (
    cancel_event,
    create_event,
    hide_event,
    unhide_event,
    update_event,
)
from app.events.service.feeds import feed_events, has_feed, new_feed_token, revoke_feed
from app.events.service.reading import (
    EventFilter,
    EventView,
    get_event,
    list_events,
    upcoming_for_home,
)

__all__ = [
    "ACTIVE",
    "REMINDER_TOPIC",
    "REQUEUE_REMINDERS_TOPIC",
    "Cancellation",
    "EventFilter",
    "EventView",
    "attendees",
    "attendees_csv",
    "book",
    "cancel_booking",
    "cancel_event",
    "create_event",
    "feed_events",
    "get_event",
    "has_feed",
    "hide_event",
    "list_events",
    "mark_attendance",
    "new_feed_token",
    "revoke_feed",
    "unhide_event",
    "upcoming_for_home",
    "update_event",
]
