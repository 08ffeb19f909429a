"""Creating, changing, cancelling, hiding and unhiding events, and the announcements a
change makes to everyone booked or waiting."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.db import utcnow
from app.errors import InvalidAction, InvalidInput
from app.events.models import Event, EventStatus
from app.events.schemas import EventData
from app.events.service._common import (
    ACTIVE,
    REQUEUE_REMINDERS_TOPIC,
    _apply,
    _booked_count,
    _check_references,
    lock_event_for_update,
    promote_from_waitlist,
)
from app.guard.service import GuardSubject, Override, check_before_saving, record_override
from app.members.models import Member
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.outbox.service import enqueue
from app.outbox.sync import enqueue_sync
from app.policy import check_manage_event_permission, check_moderate_event_permission


def _guarded(data: EventData) -> Override | None:
    return check_before_saving(
        {"title": data.title, "description": data.description},
        post_anyway=data.post_anyway,
        reason=data.guard_reason,
    )


def _guard_subject(event: Event) -> GuardSubject:
    return GuardSubject(
        type="event",
        id=event.id,
        label=event.title,
        url=f"/events/{event.id}",
        group_id=event.group_id,
    )


def create_event(db: Session, *, actor: Member, data: EventData) -> Event:
    _check_references(db, actor, data)
    if data.starts_at <= utcnow():
        raise InvalidInput({"start_date": "The event must start in the future."})
    override = _guarded(data)
    event = Event(organiser_id=actor.id)
    _apply(event, data)
    db.add(event)
    db.flush()
    enqueue_sync(db, kind="event", id=event.id)
    record_override(db, actor=actor, subject=_guard_subject(event), override=override)
    return event


def _notify_everyone_booked(
    db: Session, event: Event, kind: NotificationKind, detail: dict[str, str]
) -> None:
    """Everyone booked or waiting is told, whoever made the change (one announcement; the
    worker finds them)."""
    announce(
        db,
        parts=[(kind, audiences.event_bookers(event.id, tuple(status.value for status in ACTIVE)))],
        subject_type="event",
        subject_id=event.id,
        detail=detail,
    )


def update_event(
    db: Session, *, actor: Member, event_id: str, data: EventData, reminder_hours: int
) -> Event:
    event = lock_event_for_update(db, event_id)
    check_manage_event_permission(actor, event)
    if event.status == EventStatus.CANCELLED:
        raise InvalidAction("This event is cancelled; it can no longer be changed.")
    if data.group_id != event.group_id or data.host_organisation_id:
        _check_references(db, actor, data)
    booked = _booked_count(db, event.id)
    if data.capacity is not None and data.capacity < booked:
        raise InvalidInput(
            {"capacity": f"{booked} places are already booked; the capacity cannot be lower."}
        )
    override = _guarded(data)
    before = (event.starts_at, event.ends_at, event.online, event.venue, event.address)
    _apply(event, data)
    event.sequence += 1
    event.updated_at = utcnow()
    if before != (event.starts_at, event.ends_at, event.online, event.venue, event.address):
        _notify_everyone_booked(
            db, event, NotificationKind.EVENT_CHANGED, {"change": "time or place"}
        )
    if before[0] != event.starts_at:
        enqueue(
            db,
            topic=REQUEUE_REMINDERS_TOPIC,
            payload={"event_id": event.id, "reminder_hours": reminder_hours},
        )
    promote_from_waitlist(db, event, reminder_hours=reminder_hours)
    db.flush()
    enqueue_sync(db, kind="event", id=event.id)
    record_override(db, actor=actor, subject=_guard_subject(event), override=override)
    return event


def cancel_event(db: Session, *, actor: Member, event_id: str, reason: str) -> Event:
    event = lock_event_for_update(db, event_id)
    check_manage_event_permission(actor, event)
    cleaned = reason.strip()
    if not cleaned:
        raise InvalidInput({"reason": "Say why the event is cancelled; everyone booked is told."})
    if event.status == EventStatus.CANCELLED:
        raise InvalidAction("This event is already cancelled.")
    event.status, event.cancel_reason = EventStatus.CANCELLED, cleaned[:1000]
    event.sequence += 1
    event.updated_at = utcnow()
    _notify_everyone_booked(db, event, NotificationKind.EVENT_CANCELLED, {"reason": cleaned[:1000]})
    enqueue_sync(db, kind="event", id=event.id)
    audit.record(
        db,
        actor=actor,
        action="event_cancelled",
        subject=None,
        subject_label=event.title,
        reason=cleaned,
        before={"status": "scheduled"},
        after={"status": "cancelled"},
    )
    return event


def hide_event(db: Session, *, actor: Member, event_id: str, reason: str) -> Event:
    """A moderator hides an event: it leaves lists, feeds and search at once. Nobody is
    notified and bookings stay, so unhiding puts everything back."""
    event = lock_event_for_update(db, event_id)
    check_moderate_event_permission(actor, event)
    cleaned = reason.strip()[:1000]
    if not cleaned:
        raise InvalidInput({"reason": "Give a reason for hiding the event; its organiser sees it."})
    if event.hidden_reason is not None:
        raise InvalidAction("This event is already hidden.")
    event.hidden_reason, event.hidden_at = cleaned, utcnow()
    db.flush()
    enqueue_sync(db, kind="event", id=event.id)
    audit.record(
        db,
        actor=actor,
        action="event_hidden",
        subject=None,
        subject_label=event.title,
        reason=cleaned,
        after={"hidden": True},
    )
    return event


def unhide_event(db: Session, *, actor: Member, event_id: str, reason: str | None = None) -> Event:
    event = lock_event_for_update(db, event_id)
    check_moderate_event_permission(actor, event)
    if event.hidden_reason is None:
        raise InvalidAction("This event is not hidden.")
    before = {"hidden_reason": event.hidden_reason}
    event.hidden_reason, event.hidden_at = None, None
    db.flush()
    enqueue_sync(db, kind="event", id=event.id)
    audit.record(
        db,
        actor=actor,
        action="event_unhidden",
        subject=None,
        subject_label=event.title,
        reason=reason,
        before=before,
        after={"hidden": False},
    )
    return event
