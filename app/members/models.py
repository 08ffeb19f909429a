"""Members, the organisations they belong to, and the SSO identities they sign in with."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
)
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column, object_session, relationship

from app.db import Base, UTCDateTime, enum_column, new_id, utcnow
from app.members.handles import choose_handle, handle_base
from app.topics.models import Topic, member_topic


class OrganisationKind(enum.StrEnum):
    LOCAL_AUTHORITY = "local_authority"
    UNIVERSITY = "university"
    OTHER = "other"


class MemberStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    LEFT = "left"


class Visibility(enum.StrEnum):
    """Who may see one profile field."""

    MEMBERS = "members"
    ORGANISATION = "organisation"
    ONLY_ME = "only_me"


PROFILE_FIELDS_WITH_VISIBILITY = ("email", "job_title", "team", "areas_of_practice", "bio")
DEFAULT_VISIBILITY: dict[str, Visibility] = {
    "email": Visibility.ORGANISATION,
    "job_title": Visibility.MEMBERS,
    "team": Visibility.MEMBERS,
    "areas_of_practice": Visibility.MEMBERS,
    "bio": Visibility.MEMBERS,
}


class MemberRole(enum.StrEnum):
    PRACTITIONER = "practitioner"
    STUDENT = "student"
    ACADEMIC = "academic"
    MANAGER = "manager"
    PRINCIPAL_SOCIAL_WORKER = "principal_social_worker"


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind, "organisation_kind")
    )
    is_partner: Mapped[bool] = mapped_column(Boolean, default=False)
    email_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Member(Base):
    __tablename__ = "member"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    display_name: Mapped[str] = mapped_column(String(120))
    handle: Mapped[str | None] = mapped_column(String(40), unique=True, index=True)
    """For @mentions; set when the member is created (see _assign_handle)."""
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[MemberStatus] = mapped_column(
        enum_column(MemberStatus, "member_status"), default=MemberStatus.ACTIVE
    )
    role: Mapped[MemberRole] = mapped_column(
        enum_column(MemberRole, "member_role"), default=MemberRole.PRACTITIONER
    )
    organisation_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    job_title: Mapped[str | None] = mapped_column(String(120))
    team: Mapped[str | None] = mapped_column(String(120))
    bio: Mapped[str | None] = mapped_column(Text)
    profile_visibility: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_moderator: Mapped[bool] = mapped_column(Boolean, default=False)
    is_champion: Mapped[bool] = mapped_column(Boolean, default=False)
    is_recruiter: Mapped[bool] = mapped_column(Boolean, default=False)
    """Posts opportunities for their own organisation (an admin grants it)."""
    is_organisation_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    """Approves or rejects applicants from their own organisation and is told when one
    waits (an admin grants it); no other admin powers."""
    status_reason: Mapped[str | None] = mapped_column(Text)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duplicate_of_id: Mapped[str | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL")
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    onboarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When the member finished or skipped the first sign-in's questions (app/members/
    onboarding.py); until then, signing in leads to them."""

    organisation: Mapped[Organisation | None] = relationship(lazy="raise")
    identities: Mapped[list[MemberIdentity]] = relationship(back_populates="member", lazy="raise")
    areas_of_practice: Mapped[list[Topic]] = relationship(
        secondary=member_topic, lazy="raise", order_by=Topic.name
    )

    @property
    def is_staff(self) -> bool:
        return self.is_admin or self.is_moderator

    def visibility_of(self, field: str) -> Visibility:
        stored = (self.profile_visibility or {}).get(field)
        if stored in {visibility.value for visibility in Visibility}:
            return Visibility(stored)
        return DEFAULT_VISIBILITY[field]


_PENDING_HANDLES = "pending_member_handles"


@event.listens_for(Member, "before_insert")
def _assign_handle(_mapper: Mapper[Member], connection: Connection, member: Member) -> None:
    """Every way a member is created (sign-in, admin grant, seeds, tests) gets a handle.
    Handles given out earlier in the same flush are remembered, so two members of the
    same name created together get two handles."""
    if member.handle is not None:
        return
    base = handle_base(member.display_name)
    taken = set(
        connection.execute(select(Member.handle).where(Member.handle.like(f"{base}%"))).scalars()
    )
    session = object_session(member)
    pending: set[str] = session.info.setdefault(_PENDING_HANDLES, set()) if session else set()
    member.handle = choose_handle(
        member.display_name, lambda candidate: candidate in taken or candidate in pending
    )
    pending.add(member.handle)


@event.listens_for(Session, "after_flush")
def _forget_pending_handles(session: Session, _context: object) -> None:
    session.info.pop(_PENDING_HANDLES, None)


class MemberIdentity(Base):
    """An (issuer, subject) pair: how a member is recognised, never by e-mail alone."""

    __tablename__ = "member_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    provider_name: Mapped[str] = mapped_column(String(40))
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    claims: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[Member] = relationship(back_populates="identities", lazy="raise")


class ApiToken(Base):
    """A personal API token. Only its SHA-256 is stored; the member sees the token once."""

    __tablename__ = "api_token"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AdminInvitation(Base):
    """``portal admin grant`` for someone who has not signed in yet: applied at their first
    sign-in with a trusted e-mail address."""

    __tablename__ = "admin_invitation"

    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
