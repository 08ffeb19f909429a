"""Rules about members: who a signed-in identity is, and who may sign in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import OidcProviderConfig
from app.db import utcnow
from app.members.models import Member, MemberIdentity, MemberStatus, Organisation


class MemberCannotSignIn(Exception):
    """The identity is known but its member may not sign in; the message says why."""


def _display_name(claims: dict[str, Any]) -> str:
    for key in ("name", "preferred_username", "email"):
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:120]
    given = " ".join(
        str(claims[key])
        for key in ("given_name", "family_name")
        if isinstance(claims.get(key), str)
    )
    return given.strip()[:120] or "New member"


def _email(claims: dict[str, Any]) -> str | None:
    email = claims.get("email")
    return email.strip().lower() if isinstance(email, str) and "@" in email else None


def member_for_identity(
    db: Session, *, provider: OidcProviderConfig, issuer: str, subject: str, claims: dict[str, Any]
) -> Member:
    """The member behind (issuer, subject), created on first sign-in from the ID token claims.

    A member is recognised by (issuer, subject) alone, never by e-mail.
    """
    identity = db.execute(
        select(MemberIdentity).where(
            MemberIdentity.issuer == issuer, MemberIdentity.subject == subject
        )
    ).scalar_one_or_none()
    if identity is not None:
        identity.claims = claims
        identity.last_sign_in_at = utcnow()
        member = db.get_one(Member, identity.member_id)
    else:
        organisation_id = None
        if provider.organisation:
            organisation_id = db.execute(
                select(Organisation.id).where(Organisation.name == provider.organisation)
            ).scalar_one_or_none()
        member = Member(
            display_name=_display_name(claims),
            email=_email(claims),
            email_verified=claims.get("email_verified") is True,
            organisation_id=organisation_id,
            status=MemberStatus.ACTIVE,
        )
        db.add(member)
        db.flush()
        db.add(
            MemberIdentity(
                member_id=member.id,
                provider_name=provider.name,
                issuer=issuer,
                subject=subject,
                claims=claims,
            )
        )
        db.flush()
    if member.status != MemberStatus.ACTIVE:
        raise MemberCannotSignIn(f"Your membership is {member.status.value}.")
    return member


def grant_admin(db: Session, *, email: str) -> Member:
    """Make the member with this e-mail an admin (the ``portal admin grant`` command)."""
    members = db.execute(select(Member).where(Member.email == email.strip().lower())).scalars()
    found = list(members)
    if not found:
        raise LookupError(f"no member has the e-mail {email}; they must sign in once first")
    if len(found) > 1:
        raise LookupError(f"{len(found)} members share the e-mail {email}; resolve that first")
    found[0].is_admin = True
    db.flush()
    return found[0]
