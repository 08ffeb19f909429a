"""What the privacy package keeps: members' exports, requests to close an account, the
record of each erasure (under a pseudonym, never the person), and what each retention rule
deleted last."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, enum_column, new_id, utcnow


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"
    READY = "ready"
    FAILED = "failed"


class ResourceFate(enum.StrEnum):
    """What happens to an erased member's resources (the admin chooses)."""

    ORGANISATION = "organisation"
    HIDE = "hide"


class DataExport(Base):
    """An export the worker builds (a large one): kept as a file for ``export_days``."""

    __tablename__ = "privacy_export"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[str | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL")
    )
    status: Mapped[ExportStatus] = mapped_column(
        enum_column(ExportStatus, "privacy_export_status"), default=ExportStatus.QUEUED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    size: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


class ClosureRequest(Base):
    """A member asked to close their account; an admin confirms (erases) or declines."""

    __tablename__ = "privacy_closure_request"

    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Erasure(Base):
    """That a member was erased, and how: named only by a random pseudonym, which the audit
    log uses for the same event. Nothing here leads back to the person."""

    __tablename__ = "privacy_erasure"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    pseudonym: Mapped[str] = mapped_column(String(40), unique=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    erased_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    on_request: Mapped[bool] = mapped_column(Boolean, default=True)
    removed_content: Mapped[bool] = mapped_column(Boolean, default=False)
    resources: Mapped[ResourceFate] = mapped_column(
        enum_column(ResourceFate, "privacy_resource_fate"), default=ResourceFate.ORGANISATION
    )


class RetentionRun(Base):
    """The last run of one retention rule: when, up to what time, and how many rows went."""

    __tablename__ = "privacy_retention_run"

    rule: Mapped[str] = mapped_column(String(40), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted: Mapped[int] = mapped_column(Integer, default=0)
