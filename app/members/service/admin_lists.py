"""Lists for the admin area: members by status, organisation or search, the pending count,
and one member's details with their recent audit entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.audit.models import AuditEntry
from app.errors import NotFound
from app.keyset import CappedCount, Cursor, KeysetPage, capped_count, keyset_page
from app.members.models import Member, MemberIdentity, MemberRole, MemberStatus, Organisation
from app.members.service.admin_actions import holder_identities
from app.policy import check_use_admin_area_permission


@dataclass(frozen=True)
class MemberFilter:
    status: MemberStatus | None = None
    organisation_id: str | None = None
    role: MemberRole | None = None
    query: str | None = None


def list_members(
    db: Session,
    *,
    actor: Member,
    member_filter: MemberFilter,
    cursor: Cursor | None,
    limit: int,
) -> tuple[list[Member], CappedCount, KeysetPage[Any]]:
    """Pending members first, then by name."""
    check_use_admin_area_permission(actor)
    conditions = []
    if member_filter.status:
        conditions.append(Member.status == member_filter.status)
    if member_filter.organisation_id:
        conditions.append(Member.organisation_id == member_filter.organisation_id)
    if member_filter.role:
        conditions.append(Member.role == member_filter.role)
    if member_filter.query:
        needle = member_filter.query.strip().lower()
        conditions.append(
            func.lower(Member.display_name).contains(needle, autoescape=True)
            | func.lower(Member.email).contains(needle, autoescape=True)
        )
    total = capped_count(db, select(Member.id).where(*conditions))
    page = keyset_page(
        db,
        select(Member).where(*conditions).options(selectinload(Member.organisation)),
        keys=[Member.status != MemberStatus.PENDING, Member.display_name, Member.id],
        descending=False,
        cursor=cursor,
        limit=limit,
    )
    return [row[0] for row in page.items], total, page


def pending_count(db: Session) -> int:
    return db.execute(
        select(func.count()).select_from(Member).where(Member.status == MemberStatus.PENDING)
    ).scalar_one()


def organisations(db: Session) -> list[Organisation]:
    return list(db.execute(select(Organisation).order_by(Organisation.name)).scalars())


@dataclass(frozen=True)
class AdminMemberDetail:
    member: Member
    identities: list[MemberIdentity]
    duplicate_of: Member | None
    recent_audit: list[AuditEntry]
    organisations: list[Organisation]


def admin_member_detail(db: Session, *, actor: Member, member_id: str) -> AdminMemberDetail:
    check_use_admin_area_permission(actor)
    member = db.execute(
        select(Member).where(Member.id == member_id).options(selectinload(Member.organisation))
    ).scalar_one_or_none()
    if member is None:
        raise NotFound("There is no member with that id.")
    recent = db.execute(
        select(AuditEntry)
        .where(AuditEntry.subject_member_id == member.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(20)
    ).scalars()
    return AdminMemberDetail(
        member=member,
        identities=holder_identities(db, member),
        duplicate_of=db.get(Member, member.duplicate_of_id) if member.duplicate_of_id else None,
        recent_audit=list(recent),
        organisations=organisations(db),
    )
