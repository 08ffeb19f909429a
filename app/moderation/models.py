"""Members' reports about content, and the warnings moderators give. (The audit trail is
in app/audit.)"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, enum_column, new_id, utcnow
from app.members.models import Member


class ReportReason(enum.StrEnum):
    IDENTIFYING = "identifying"
    OFFENSIVE = "offensive"
    SPAM = "spam"
    MISINFORMATION = "misinformation"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS = {
    ReportReason.IDENTIFYING: "Identifies a child or family",
    ReportReason.OFFENSIVE: "Offensive",
    ReportReason.SPAM: "Spam",
    ReportReason.MISINFORMATION: "Misinformation",
    ReportReason.OTHER: "Something else",
}


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    ACTIONED = "actioned"


class ReportTarget(enum.StrEnum):
    """What a report is about; ``target_id`` is that row's id."""

    THREAD = "thread"
    POST = "post"
    RESOURCE = "resource"
    EVENT = "event"


class Report(Base):
    """A member's report about one piece of content. ``group_id`` and ``author_id`` are
    copied from the content when it is reported, so the queue filters without joining four
    tables; ``outcome`` says what the handling moderator did."""

    __tablename__ = "moderation_report"
    __table_args__ = (
        Index("ix_moderation_report_target", "target_kind", "target_id"),
        Index("ix_moderation_report_status_created", "status", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reporter_id: Mapped[str | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    target_kind: Mapped[ReportTarget] = mapped_column(enum_column(ReportTarget, "report_target"))
    target_id: Mapped[str] = mapped_column(String(36))
    target_label: Mapped[str] = mapped_column(String(200))
    target_url: Mapped[str] = mapped_column(String(300))
    group_id: Mapped[str | None] = mapped_column(String(36), index=True)
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[ReportReason] = mapped_column(enum_column(ReportReason, "report_reason"))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ReportStatus] = mapped_column(
        enum_column(ReportStatus, "report_status"), default=ReportStatus.OPEN
    )
    outcome: Mapped[str | None] = mapped_column(String(40))
    handled_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handled_note: Mapped[str | None] = mapped_column(Text)

    reporter: Mapped[Member | None] = relationship(foreign_keys=[reporter_id], lazy="raise")
    author: Mapped[Member | None] = relationship(foreign_keys=[author_id], lazy="raise")

    @property
    def is_open(self) -> bool:
        return self.status == ReportStatus.OPEN


class MemberWarning(Base):
    """A moderator's recorded warning to a member, shown to them at /moderation/warnings."""

    __tablename__ = "moderation_warning"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    issued_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    report_id: Mapped[str | None] = mapped_column(
        ForeignKey("moderation_report.id", ondelete="SET NULL")
    )
    about: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
