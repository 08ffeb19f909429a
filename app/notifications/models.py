"""Notifications, members' e-mail preferences and the record of e-mails sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class EmailState:
    """Where a notification stands with e-mail."""

    NONE = "none"
    IMMEDIATE = "immediate"
    SENDING = "sending"
    """Being handed to the SMTP server: found so by a later run, the worker stopped between
    handing it over and recording it sent (app/notifications/delivery.py)."""
    DIGEST = "digest"
    SENT = "sent"
    DROPPED = "dropped"
    """Not sent: the member may no longer see it, or turned e-mail off before it went."""


class Notification(Base):
    """One thing a member is told about. It holds references, never a copy of the text:
    pages and e-mails describe it from the live rows, after checking the member may still
    see them, so hidden or edited-out content is never repeated (docs/notifications.md)."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("member_id", "dedupe_key", name="uq_notification_member_dedupe"),
        Index("ix_notification_member_unread", "member_id", "read_at"),
        Index("ix_notification_email_state", "email_state", "member_id"),
        Index("ix_notification_member_merge", "member_id", "merge_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(36))
    group_id: Mapped[str | None] = mapped_column(String(36))
    """The group whose content the subject is (posts, threads, events), when it was told:
    the unread count leaves out groups the member can no longer see."""
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Details of the telling: a reason, a decision; for reactions, who reacted."""
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    merge_key: Mapped[str | None] = mapped_column(String(80))
    """Notifications of one kind with the same key merge while unread and not e-mailed
    (replies in one thread: "thread:<id>"); merged_count says how many things it stands
    for, the subject stays the first of them and the actor is the latest."""
    merged_count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    email_state: Mapped[str] = mapped_column(String(16), default=EmailState.NONE)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NotificationPreference(Base):
    """A member's e-mail choice for one kind; no row means the kind's default."""

    __tablename__ = "notification_preference"

    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DigestSchedule(Base):
    """How often a member's digest goes, and when the next one is due (None: nothing
    waiting)."""

    __tablename__ = "digest_schedule"

    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    frequency: Mapped[str] = mapped_column(String(16), default="daily")
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class SentEmail(Base):
    """What the worker handed to the SMTP server: for admins, and to never send twice."""

    __tablename__ = "sent_email"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(Text)
    notification_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
