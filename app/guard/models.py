"""What the guard keeps: one row per item a member saved anyway after the guard found
passages. The moderation queue lists the open ones for a moderator to confirm or edit out.

A ground-floor table like the audit log: it names its subject by type and id and carries
the label, link and group a moderator needs, so it imports no domain."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, enum_column, new_id, utcnow


class GuardReason(enum.StrEnum):
    """The short list a member chooses from when they post anyway."""

    PROFESSIONAL = "professional"
    CHANGED = "changed"
    CONSENTED = "consented"
    NOT_IDENTIFYING = "not_identifying"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS = {
    GuardReason.PROFESSIONAL: "These are public or professional details, not a child or family",
    GuardReason.CHANGED: "The names and details are invented or changed",
    GuardReason.CONSENTED: "The person agreed, and sharing this is necessary",
    GuardReason.NOT_IDENTIFYING: "Nothing here identifies anyone (the guard is wrong)",
}


class OverrideStatus(enum.StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    EDITED_OUT = "edited_out"


class GuardOverride(Base):
    __tablename__ = "guard_override"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    subject_label: Mapped[str] = mapped_column(String(200))
    subject_url: Mapped[str] = mapped_column(String(300))
    group_id: Mapped[str | None] = mapped_column(String(36), index=True)
    reason: Mapped[GuardReason] = mapped_column(enum_column(GuardReason, "guard_reason"))
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[OverrideStatus] = mapped_column(
        enum_column(OverrideStatus, "guard_override_status"),
        default=OverrideStatus.OPEN,
        index=True,
    )
    handled_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handled_note: Mapped[str | None] = mapped_column(Text)
