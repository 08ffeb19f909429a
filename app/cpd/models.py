"""Members' CPD records: entries, the colleagues invited to reflect on them, suggestions a
member dismissed, and the one signal the portal keeps only for CPD (a member downloaded a
resource). Every row here is private to its member; see app/policy/cpd.py."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, enum_column, new_id, utcnow
from app.members.models import Member


class CpdKind(enum.StrEnum):
    EVENT = "event"
    READING = "reading"
    DISCUSSION = "discussion"
    SUPERVISION = "supervision"
    COURSE = "course"
    SHADOWING = "shadowing"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    CpdKind.EVENT: "Event or training",
    CpdKind.READING: "Reading or research",
    CpdKind.DISCUSSION: "Discussion with colleagues",
    CpdKind.SUPERVISION: "Supervision",
    CpdKind.COURSE: "Course",
    CpdKind.SHADOWING: "Shadowing",
    CpdKind.OTHER: "Other",
}


class CpdStatus(enum.StrEnum):
    DRAFT = "draft"
    RECORDED = "recorded"


class LinkedItem(enum.StrEnum):
    """The portal item an entry came from (a suggestion's source)."""

    EVENT = "event"
    RESOURCE = "resource"
    THREAD = "thread"


class CpdEntry(Base):
    """One piece of CPD. It belongs to the registration year of ``happened_on`` (a London
    day); only recorded entries count towards the year's requirement."""

    __tablename__ = "cpd_entry"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    happened_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[CpdKind] = mapped_column(enum_column(CpdKind, "cpd_kind"))
    hours: Mapped[float | None] = mapped_column(Numeric(5, 1, asdecimal=False))
    learning: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[CpdStatus] = mapped_column(
        enum_column(CpdStatus, "cpd_status"), default=CpdStatus.DRAFT
    )
    item_type: Mapped[LinkedItem | None] = mapped_column(enum_column(LinkedItem, "cpd_linked_item"))
    item_id: Mapped[str | None] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    reflections: Mapped[list[CpdReflection]] = relationship(
        back_populates="entry",
        lazy="raise",
        order_by="CpdReflection.invited_at",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ReflectionStatus(enum.StrEnum):
    INVITED = "invited"
    NOTED = "noted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class CpdReflection(Base):
    """A colleague asked to reflect on one entry. The colleague sees the entry's title and
    the question, never the entry's text; the note they add is shown on the entry."""

    __tablename__ = "cpd_reflection"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entry_id: Mapped[str] = mapped_column(
        ForeignKey("cpd_entry.id", ondelete="CASCADE"), index=True
    )
    peer_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[ReflectionStatus] = mapped_column(
        enum_column(ReflectionStatus, "cpd_reflection_status"), default=ReflectionStatus.INVITED
    )
    note: Mapped[str | None] = mapped_column(Text)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    entry: Mapped[CpdEntry] = relationship(back_populates="reflections", lazy="raise")
    peer: Mapped[Member] = relationship(lazy="raise")


class CpdDismissal(Base):
    """A suggestion the member said no to: never offered again."""

    __tablename__ = "cpd_dismissal"
    __table_args__ = (UniqueConstraint("member_id", "item_type", "item_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    item_type: Mapped[LinkedItem] = mapped_column(enum_column(LinkedItem, "cpd_linked_item"))
    item_id: Mapped[str] = mapped_column(String(36))
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ResourceUse(Base):
    """A member downloaded a file of a resource: the "read it for a while" signal behind a
    reading suggestion. One row per member and resource, its time moved on by a later
    download; written after the download is answered, in its own transaction."""

    __tablename__ = "cpd_resource_use"
    __table_args__ = (UniqueConstraint("member_id", "resource_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    resource_id: Mapped[str] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), index=True
    )
    used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
