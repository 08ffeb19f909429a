"""The region's vacancies, secondments and placements, the members who clicked "apply", and
members' saved alerts."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, enum_column, new_id, utcnow
from app.members.models import Member, Organisation


class OpportunityKind(enum.StrEnum):
    PERMANENT = "permanent"
    FIXED_TERM = "fixed_term"
    SECONDMENT = "secondment"
    ASYE = "asye"
    PRACTICE_EDUCATOR = "practice_educator"
    STUDENT_PLACEMENT = "student_placement"
    RESEARCH = "research"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    OpportunityKind.PERMANENT: "Permanent post",
    OpportunityKind.FIXED_TERM: "Fixed term",
    OpportunityKind.SECONDMENT: "Secondment",
    OpportunityKind.ASYE: "ASYE place",
    OpportunityKind.PRACTICE_EDUCATOR: "Practice educator",
    OpportunityKind.STUDENT_PLACEMENT: "Student placement",
    OpportunityKind.RESEARCH: "Research post",
}


class WorkLocation(enum.StrEnum):
    OFFICE = "office"
    HYBRID = "hybrid"
    REMOTE = "remote"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Opportunity(Base):
    """``closes_at`` is the end of the closing day in Europe/London (midnight after it), in
    UTC. Lists compare it with the clock; the worker sets ``closed_at`` when it passes and
    re-indexes, so search forgets a closed opportunity without anyone acting."""

    __tablename__ = "opportunity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[OpportunityKind] = mapped_column(enum_column(OpportunityKind, "opportunity_kind"))
    team: Mapped[str | None] = mapped_column(String(200))
    practice_area: Mapped[str | None] = mapped_column(String(120), index=True)
    pay: Mapped[str | None] = mapped_column(String(200))
    hours: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[WorkLocation] = mapped_column(enum_column(WorkLocation, "work_location"))
    place: Mapped[str | None] = mapped_column(String(200))
    closing_date: Mapped[str] = mapped_column(String(10))
    """The day as the poster gave it (YYYY-MM-DD), London time."""
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    apply_url: Mapped[str | None] = mapped_column(String(1000))
    apply_email: Mapped[str | None] = mapped_column(String(320))
    description: Mapped[str] = mapped_column(Text)
    description_html: Mapped[str] = mapped_column(Text)
    poster_id: Mapped[str | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="raise")
    poster: Mapped[Member | None] = relationship(lazy="raise")

    def is_closed(self, now: datetime) -> bool:
        return self.closes_at <= now

    @property
    def closing_day_label(self) -> str:
        return date.fromisoformat(self.closing_date).strftime("%A %-d %B %Y")


class ApplyClick(Base):
    """One row per member and opportunity: the report counts members who clicked "apply",
    however often they clicked."""

    __tablename__ = "opportunity_apply_click"
    __table_args__ = (UniqueConstraint("opportunity_id", "member_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    opportunity_id: Mapped[str] = mapped_column(
        ForeignKey("opportunity.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    clicked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OpportunityAlert(Base):
    """A member's saved filter. Its columns carry the names of ``OpportunityFilter``'s
    fields, so ``filters.filter_conditions(OpportunityAlert, now)`` turns every saved alert
    into one set-based match (a NULL field matches anything)."""

    __tablename__ = "opportunity_alert"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    kind: Mapped[OpportunityKind | None] = mapped_column(
        enum_column(OpportunityKind, "opportunity_kind")
    )
    organisation_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    practice_area: Mapped[str | None] = mapped_column(String(120))
    location: Mapped[WorkLocation | None] = mapped_column(
        enum_column(WorkLocation, "work_location")
    )
    closing_within_week: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(lazy="raise")


class OpportunityPageView(Base):
    """A member read an opportunity's page on a London day: one row per member, opportunity
    and day, written after the page is answered (never by the GET's own transaction)."""

    __tablename__ = "opportunity_view"
    __table_args__ = (UniqueConstraint("opportunity_id", "member_id", "day"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    opportunity_id: Mapped[str] = mapped_column(
        ForeignKey("opportunity.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    day: Mapped[str] = mapped_column(String(10))
    """YYYY-MM-DD, London time."""
