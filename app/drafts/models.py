"""Drafts: what a member was writing, kept on the server so a lost connection or a closed
tab loses nothing."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, enum_column, new_id, utcnow


class DraftKind(enum.StrEnum):
    RESOURCE = "resource"
    THREAD = "thread"
    REPLY = "reply"

    @property
    def label(self) -> str:
        return {
            DraftKind.RESOURCE: "Resource",
            DraftKind.THREAD: "Thread",
            DraftKind.REPLY: "Reply",
        }[self]


class Draft(Base):
    """One form being written, as its fields were last saved (``fields`` holds the form's
    text values; files are not part of a draft, only the ids of files kept for it)."""

    __tablename__ = "draft"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DraftKind] = mapped_column(enum_column(DraftKind, "draft_kind"))
    title: Mapped[str] = mapped_column(String(200))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
