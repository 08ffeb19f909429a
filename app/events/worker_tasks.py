"""The worker's side of events: queueing the reminders of an event that moved, for
everyone booked, with one statement however many they are."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction, utcnow
from app.events.models import Booking, BookingStatus, Event, EventStatus
from app.events.service import REMINDER_TOPIC, REQUEUE_REMINDERS_TOPIC
from app.outbox.models import OutboxMessage
from app.outbox.worker import WorkerTasks


def requeue_reminders(db: Session, payload: dict[str, Any]) -> None:
    event = db.get(Event, payload["event_id"])
    if event is None or event.status != EventStatus.SCHEDULED:
        return
    now = utcnow()
    due = max(event.starts_at - timedelta(hours=int(payload["reminder_hours"])), now)
    booked = db.execute(
        select(Booking.member_id).where(
            Booking.event_id == event.id, Booking.status == BookingStatus.BOOKED
        )
    ).scalars()
    rows = [
        {
            "topic": REMINDER_TOPIC,
            "payload": {"event_id": event.id, "member_id": member_id},
            "created_at": now,
            "available_at": due,
        }
        for member_id in booked
    ]
    if rows:
        db.execute(insert(OutboxMessage), rows)


def event_tasks(factory: sessionmaker[Session]) -> WorkerTasks:
    def requeue(payloads: list[dict[str, Any]]) -> None:
        with transaction(factory) as db:
            for payload in payloads:
                requeue_reminders(db, payload)

    return WorkerTasks(handlers={REQUEUE_REMINDERS_TOPIC: requeue})
