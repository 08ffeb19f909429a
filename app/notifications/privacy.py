"""A member's notifications, e-mail preferences and the record of e-mails sent to them.

Erasure deletes their notifications and preferences (with the member's row), keeps the
record of e-mails sent without the member (``member_id`` set to NULL and the subject line
blanked, which could name them), and takes them out of every e-mail still waiting in the
outbox: their reminders and digests are dropped, and an announcement they caused no
longer names them as its actor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.events.service._common import REMINDER_TOPIC
from app.notifications.models import (
    DigestSchedule,
    Notification,
    NotificationPreference,
    SentEmail,
)
from app.notifications.service import ANNOUNCE_TOPIC, DIGEST_TOPIC
from app.outbox.models import OutboxMessage
from app.privacy.kinds import ErasureContext, ExportFile, PersonalData, Row, columns_of


def notification_rows(db: Session, member_id: str) -> Iterator[Row]:
    query = (
        select(Notification)
        .where(Notification.member_id == member_id)
        .order_by(Notification.created_at, Notification.id)
        .execution_options(yield_per=500)
    )
    for notification in db.execute(query).scalars():
        yield columns_of(
            notification,
            "kind",
            "subject_type",
            "subject_id",
            "detail",
            "created_at",
            "read_at",
            "email_state",
            "emailed_at",
        )


def preference_rows(db: Session, member_id: str) -> Iterator[Row]:
    for preference in db.execute(
        select(NotificationPreference)
        .where(NotificationPreference.member_id == member_id)
        .order_by(NotificationPreference.kind)
    ).scalars():
        yield {"kind": preference.kind, "delivery": preference.delivery}
    schedule = db.get(DigestSchedule, member_id)
    if schedule is not None:
        yield {"kind": "digest", "delivery": schedule.frequency}


def sent_email_rows(db: Session, member_id: str) -> Iterator[Row]:
    for email in db.execute(
        select(SentEmail).where(SentEmail.member_id == member_id).order_by(SentEmail.sent_at)
    ).scalars():
        yield columns_of(email, "kind", "subject", "sent_at")


def _without(payload: dict[str, Any], member_id: str) -> dict[str, Any]:
    changed = dict(payload)
    if changed.get("actor_id") == member_id:
        changed["actor_id"] = None
    parts = []
    for part in changed.get("parts") or []:
        audience = dict(part.get("audience") or {})
        if "members" in audience:
            audience["members"] = [m for m in audience["members"] if m != member_id]
        parts.append({**part, "audience": audience})
    changed["parts"] = parts
    return changed


def erase(db: Session, context: ErasureContext) -> None:
    member_id = context.member_id
    db.execute(delete(Notification).where(Notification.member_id == member_id))
    db.execute(delete(NotificationPreference).where(NotificationPreference.member_id == member_id))
    db.execute(delete(DigestSchedule).where(DigestSchedule.member_id == member_id))
    db.execute(
        update(SentEmail).where(SentEmail.member_id == member_id).values(member_id=None, subject="")
    )
    waiting = db.execute(
        select(OutboxMessage).where(
            OutboxMessage.processed_at.is_(None),
            OutboxMessage.topic.in_([ANNOUNCE_TOPIC, DIGEST_TOPIC, REMINDER_TOPIC]),
        )
    ).scalars()
    for message in waiting:
        payload = message.payload or {}
        if message.topic != ANNOUNCE_TOPIC:
            if payload.get("member_id") == member_id:
                db.delete(message)
        elif member_id in str(payload):
            message.payload = _without(payload, member_id)
    db.flush()


PERSONAL_DATA = PersonalData(
    domain="notifications",
    files=(
        ExportFile(
            "notifications.json",
            "The notifications the portal recorded for you, read or not, and whether each was "
            "e-mailed.",
            notification_rows,
        ),
        ExportFile(
            "email_preferences.json",
            "How you chose to be e-mailed about each kind of notification, and your digest.",
            preference_rows,
        ),
        ExportFile(
            "emails_sent.json",
            "The e-mails the portal sent you (kind, subject and time; not their text).",
            sent_email_rows,
        ),
    ),
    erase=erase,
)
