"""How long the portal keeps what it keeps, and the daily job that deletes what is past its
time. Each rule's period is a setting (PORTAL_RETENTION_*, app/config.py); the privacy page
and the admin page are written from the same rules, so they cannot disagree with the job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.config import Settings
from app.drafts.models import Draft
from app.notifications.models import Notification, SentEmail
from app.outbox.models import OutboxMessage
from app.privacy.models import DataExport, RetentionRun
from app.security.models import SignInAttempt, WebSession

RUN_EVERY = timedelta(days=1)


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _sessions(db: Session, cutoff: datetime, _settings: Settings) -> int:
    ended = or_(WebSession.expires_at < cutoff, WebSession.revoked_at < cutoff)
    deleted = _count(db.execute(delete(WebSession).where(ended)))
    return deleted + _count(
        db.execute(delete(SignInAttempt).where(SignInAttempt.expires_at < cutoff))
    )


def _read_notifications(db: Session, cutoff: datetime, _settings: Settings) -> int:
    return _count(db.execute(delete(Notification).where(Notification.read_at < cutoff)))


def _sent_emails(db: Session, cutoff: datetime, _settings: Settings) -> int:
    return _count(db.execute(delete(SentEmail).where(SentEmail.sent_at < cutoff)))


def _outbox(db: Session, cutoff: datetime, _settings: Settings) -> int:
    return _count(db.execute(delete(OutboxMessage).where(OutboxMessage.processed_at < cutoff)))


def _audit(db: Session, cutoff: datetime, _settings: Settings) -> int:
    return _count(db.execute(delete(AuditEntry).where(AuditEntry.created_at < cutoff)))


def _drafts(db: Session, cutoff: datetime, _settings: Settings) -> int:
    return _count(db.execute(delete(Draft).where(Draft.updated_at < cutoff)))


def export_path(settings: Settings, export_id: str) -> Path:
    return settings.data_dir / "exports" / f"{export_id}.zip"


def _exports(db: Session, cutoff: datetime, settings: Settings) -> int:
    """Exports past their download window (``expires_at``), files first."""
    expired = list(
        db.execute(select(DataExport.id).where(DataExport.expires_at < cutoff)).scalars()
    )
    for export_id in expired:
        export_path(settings, export_id).unlink(missing_ok=True)
    if not expired:
        return 0
    return _count(db.execute(delete(DataExport).where(DataExport.id.in_(expired))))


@dataclass(frozen=True)
class RetentionRule:
    name: str
    label: str
    why: str
    who_sees: str
    days: Callable[[Settings], int]
    delete: Callable[[Session, datetime, Settings], int]
    counts_from: str = "after it ends"


RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        "sessions",
        "Sign-in sessions and sign-in attempts",
        "To keep you signed in, and to let you and admins see recent sign-ins.",
        "You; admins when investigating misuse.",
        lambda s: s.retention_session_days,
        _sessions,
        "after the session ends",
    ),
    RetentionRule(
        "read_notifications",
        "Notifications you have read",
        "To show you what happened while you were away.",
        "Only you.",
        lambda s: s.retention_read_notification_days,
        _read_notifications,
        "after you read them",
    ),
    RetentionRule(
        "sent_emails",
        "Records of e-mails sent to you",
        "To never send the same e-mail twice and to answer questions about delivery.",
        "Admins.",
        lambda s: s.retention_sent_email_days,
        _sent_emails,
        "after sending",
    ),
    RetentionRule(
        "outbox",
        "Finished background jobs (search updates, e-mails to send)",
        "To let admins see that the worker keeps up.",
        "Admins.",
        lambda s: s.retention_outbox_days,
        _outbox,
        "after the job is done",
    ),
    RetentionRule(
        "audit",
        "The audit log of admin and moderator actions",
        "To account for decisions about members and content; six years, the period in "
        "which a claim about them can be brought.",
        "Admins; you, for entries about you, in your export.",
        lambda s: s.retention_audit_days,
        _audit,
        "after the action",
    ),
    RetentionRule(
        "exports",
        "Your data exports built by the portal",
        "So you can download a large export when it is ready.",
        "Only you (and the admin who asked for it on your behalf).",
        lambda s: s.export_days,
        _exports,
        "after it is ready",
    ),
    RetentionRule(
        "drafts",
        "Drafts you did not publish",
        "So a thread, reply or resource you were writing survives a lost connection.",
        "Only you.",
        lambda s: s.retention_draft_days,
        _drafts,
        "after you last changed them",
    ),
)


def cutoff_for(rule: RetentionRule, settings: Settings, now: datetime) -> datetime:
    """Exports carry their own end (``expires_at``); every other rule counts back from now."""
    return now if rule.name == "exports" else now - timedelta(days=rule.days(settings))


def is_due(db: Session, now: datetime) -> bool:
    last = db.execute(select(func.min(RetentionRun.ran_at))).scalar_one_or_none()
    known = db.execute(select(func.count()).select_from(RetentionRun)).scalar_one()
    return last is None or known < len(RULES) or now - last >= RUN_EVERY


def run_retention(db: Session, settings: Settings, now: datetime) -> dict[str, int]:
    """Apply every rule; returns how many rows each deleted (and records it)."""
    deleted: dict[str, int] = {}
    for rule in RULES:
        cutoff = cutoff_for(rule, settings, now)
        count = rule.delete(db, cutoff, settings)
        run = db.get(RetentionRun, rule.name)
        if run is None:
            run = RetentionRun(rule=rule.name)
            db.add(run)
        run.ran_at, run.cutoff, run.deleted = now, cutoff, count
        deleted[rule.name] = count
    db.flush()
    return deleted


def last_runs(db: Session) -> dict[str, RetentionRun]:
    return {run.rule: run for run in db.execute(select(RetentionRun)).scalars()}
