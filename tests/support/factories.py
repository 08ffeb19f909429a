"""Small factories for arranging data directly in the database."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.members.models import Member, MemberIdentity, MemberRole, MemberStatus, Organisation


def organisation_named(db: Session, name: str) -> Organisation:
    return db.execute(select(Organisation).where(Organisation.name == name)).scalar_one()


def make_member(
    db: Session,
    *,
    name: str,
    issuer: str,
    subject: str | None = None,
    email: str | None = None,
    status: MemberStatus = MemberStatus.ACTIVE,
    role: MemberRole = MemberRole.PRACTITIONER,
    organisation: str | None = "Leeds City Council",
    is_admin: bool = False,
    is_moderator: bool = False,
    provider: str = "leeds",
) -> Member:
    """A member who can sign in with ``provider`` (at ``issuer``) as ``subject``; committed."""
    db.rollback()  # a fresh snapshot: writing on a stale one fails on SQLite
    subject = subject or f"{name.lower().replace(' ', '.')}-{uuid.uuid4().hex[:6]}"
    member = Member(
        display_name=name,
        email=email or f"{subject}@leeds.gov.uk",
        email_verified=True,
        status=status,
        role=role,
        organisation_id=organisation_named(db, organisation).id if organisation else None,
        is_admin=is_admin,
        is_moderator=is_moderator,
        onboarded_at=utcnow(),  # a member already here; first sign-in creates its own
    )
    db.add(member)
    db.flush()
    db.add(
        MemberIdentity(
            member_id=member.id,
            provider_name=provider,
            issuer=issuer,
            subject=subject,
            claims={"sub": subject, "name": name},
        )
    )
    db.commit()
    return member


def identity_subject(db: Session, member: Member) -> str:
    db.rollback()
    return db.execute(
        select(MemberIdentity.subject).where(MemberIdentity.member_id == member.id)
    ).scalar_one()
