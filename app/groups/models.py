"""Groups such as the regional principal social worker group, and who belongs to them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, enum_column, new_id, utcnow
from app.members.models import Member


class GroupKind(enum.StrEnum):
    OPEN = "open"  # every member sees it and its content, and may join
    PRIVATE = "private"  # everyone sees that it exists and may ask to join
    SECRET = "secret"  # invisible to non-members; join by invitation only


class GroupRole(enum.StrEnum):
    OWNER = "owner"
    MODERATOR = "moderator"
    MEMBER = "member"


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Group(Base):
    __tablename__ = "portal_group"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text)
    kind: Mapped[GroupKind] = mapped_column(enum_column(GroupKind, "group_kind"))
    category_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GroupMembership(Base):
    __tablename__ = "group_membership"
    __table_args__ = (UniqueConstraint("group_id", "member_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    group_id: Mapped[str] = mapped_column(
        ForeignKey("portal_group.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    role: Mapped[GroupRole] = mapped_column(enum_column(GroupRole, "group_role"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[Member] = relationship(lazy="raise")


class JoinRequest(Base):
    """A request to join a private group, or an invitation to any group."""

    __tablename__ = "group_join_request"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    group_id: Mapped[str] = mapped_column(
        ForeignKey("portal_group.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    is_invitation: Mapped[bool] = mapped_column(default=False)
    invited_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "group_request_status"), default=RequestStatus.PENDING
    )
    decision_message: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member: Mapped[Member] = relationship(lazy="raise", foreign_keys=[member_id])
