"""The admins' view of e-mail: what the worker has waiting for SMTP and what it sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.members.models import Member
from app.notifications.models import SentEmail
from app.notifications.service import DIGEST_TOPIC, EMAIL_TOPIC
from app.outbox.models import OutboxMessage
from app.policy import check_admin_only_permission


@dataclass(frozen=True)
class EmailStatus:
    waiting: int
    oldest_waiting_at: datetime | None
    last_error: str | None
    failed: int
    sent_last_day: int
    sent_last_week: int
    recent: list[SentEmail]


def email_status(db: Session, *, actor: Member, recent: int = 20) -> EmailStatus:
    """What the worker has waiting for SMTP (an outage shows here as a growing queue with
    its last error) and what it sent lately."""
    check_admin_only_permission(actor)
    mail_topics = OutboxMessage.topic.in_([EMAIL_TOPIC, DIGEST_TOPIC])
    pending = (mail_topics, OutboxMessage.processed_at.is_(None))
    waiting, oldest = db.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            *pending, OutboxMessage.failed_at.is_(None)
        )
    ).one()
    last_error = db.execute(
        select(OutboxMessage.last_error)
        .where(*pending, OutboxMessage.last_error.is_not(None))
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    failed = db.execute(
        select(func.count()).where(*pending, OutboxMessage.failed_at.is_not(None))
    ).scalar_one()
    now = utcnow()

    def sent_since(since: datetime) -> int:
        return db.execute(
            select(func.count()).select_from(SentEmail).where(SentEmail.sent_at >= since)
        ).scalar_one()

    return EmailStatus(
        waiting=waiting,
        oldest_waiting_at=oldest,
        last_error=last_error,
        failed=failed,
        sent_last_day=sent_since(now - timedelta(days=1)),
        sent_last_week=sent_since(now - timedelta(days=7)),
        recent=list(
            db.execute(select(SentEmail).order_by(SentEmail.id.desc()).limit(recent)).scalars()
        ),
    )
