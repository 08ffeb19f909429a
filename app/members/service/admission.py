"""Admission at sign-in: who a signed-in identity is, whether they are created, admitted
at once or wait for an admin, and the end of a suspension that has run its course."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.config import OidcProviderConfig
from app.db import utcnow
from app.members.models import AdminInvitation, Member, MemberIdentity, MemberStatus, Organisation
from app.members.personal_email import is_personal_address
from app.members.service._common import _london_date, _snapshot
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.outbox.sync import enqueue_sync


@dataclass(frozen=True)
class Admission:
    """The outcome of a sign-in for the member behind an identity."""

    member: Member
    admitted: bool
    headline: str = ""
    message: str = ""


def _display_name(claims: dict[str, Any]) -> str:
    for key in ("name", "preferred_username", "email"):
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:120]
    parts = [claims.get("given_name"), claims.get("family_name")]
    given = " ".join(part for part in parts if isinstance(part, str))
    return given.strip()[:120] or "New member"


def _email(claims: dict[str, Any]) -> str | None:
    email = claims.get("email")
    return email.strip().lower() if isinstance(email, str) and "@" in email else None


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[1]


def _email_is_trusted(
    email: str | None, claims: dict[str, Any], provider: OidcProviderConfig
) -> bool:
    """Verified by the provider, or in a domain this provider is configured to vouch for
    (Entra ID does not send email_verified)."""
    if email is None:
        return False
    return claims.get("email_verified") is True or _domain(email) in provider.email_domains


def _organisation_for(
    db: Session, provider: OidcProviderConfig, trusted_email: str | None
) -> Organisation | None:
    if provider.organisation:
        organisation = db.execute(
            select(Organisation).where(Organisation.name == provider.organisation)
        ).scalar_one_or_none()
        if organisation is not None:
            return organisation
    if trusted_email:
        domain = _domain(trusted_email)
        for organisation in db.execute(select(Organisation)).scalars():
            if domain in (organisation.email_domains or []):
                return organisation
    return None


WORK_ACCOUNT_HEADLINE = "Sign in with your work account"


def _pending_reason(
    *,
    email: str | None,
    trusted_email: str | None,
    organisation: Organisation | None,
    holder: Member | None,
) -> str:
    """Why a new member waits, in words an admin can act on (shown on their admin page)."""
    if holder is not None:
        return "Another member already uses this e-mail address."
    if email is not None and is_personal_address(email):
        return (
            f"Signed in with a personal e-mail address ({_domain(email)}), not a work or "
            "university account."
        )
    if email is None:
        return "The identity provider sent no e-mail address."
    if trusted_email is None:
        return f"The identity provider did not confirm the e-mail address {email}."
    if organisation is None:
        return f"No organisation of the partnership uses the e-mail domain {_domain(email)}."
    return f"{organisation.name} is not a partner organisation."


def _admission(member: Member) -> Admission:
    if member.status == MemberStatus.ACTIVE:
        return Admission(member=member, admitted=True)
    if (
        member.status == MemberStatus.PENDING
        and member.email is not None
        and is_personal_address(member.email)
    ):
        return Admission(
            member=member,
            admitted=False,
            headline=WORK_ACCOUNT_HEADLINE,
            message=(
                f"You signed in with a personal e-mail address ({member.email}). The portal "
                "is for the partnership's staff and students: sign out of that account and "
                "sign in again with your council, trust or university account, whose "
                "address lets you in at once. An admin has been told of this sign-in and "
                "can approve it if you have no work account."
            ),
        )
    if member.status == MemberStatus.PENDING:
        return Admission(
            member=member,
            admitted=False,
            headline="Your membership is waiting for approval",
            message=(
                "An admin of the partnership has been told and will check your application, "
                "usually within two working days. Sign in again after that; if it takes "
                "longer, ask your principal social worker."
                if member.duplicate_of_id is None
                else "Another member already uses your e-mail address, so an admin will "
                "check whether this sign-in belongs to that account before you can continue."
            ),
        )
    if member.status == MemberStatus.REJECTED:
        return Admission(
            member=member,
            admitted=False,
            headline="Your application was not accepted",
            message=f"The reason given: {member.status_reason or 'none'}",
        )
    if member.status == MemberStatus.SUSPENDED:
        until = (
            f"until {_london_date(member.suspended_until)}"
            if member.suspended_until
            else "until an admin reinstates it"
        )
        return Admission(
            member=member,
            admitted=False,
            headline="Your membership is suspended",
            message=f"It is suspended {until}. The reason given: {member.status_reason}",
        )
    return Admission(
        member=member,
        admitted=False,
        headline="Your membership has ended",
        message="You are recorded as having left the partnership. Ask an admin to rejoin.",
    )


def _end_suspension_if_due(db: Session, member: Member) -> None:
    if (
        member.status == MemberStatus.SUSPENDED
        and member.suspended_until is not None
        and member.suspended_until <= utcnow()
    ):
        before = _snapshot(member, "status", "status_reason", "suspended_until")
        member.status, member.status_reason, member.suspended_until = (
            MemberStatus.ACTIVE,
            None,
            None,
        )
        audit.record(
            db,
            actor=None,
            action="suspension_ended",
            subject=member,
            reason="The suspension reached its end date.",
            before=before,
            after=_snapshot(member, "status", "status_reason", "suspended_until"),
        )
        enqueue_sync(db, kind="member", id=member.id)


HANDLE_TRIES = 3


def _insert_member(db: Session, member: Member) -> None:
    """The member's @handle is chosen from the handles the database held a moment before
    the insert; on PostgreSQL another first sign-in of the same name can take it in
    between. The insert then fails alone (in a savepoint) and the handle is chosen again."""
    for attempt in range(1, HANDLE_TRIES + 1):
        try:
            with db.begin_nested():
                db.add(member)
                db.flush()
            return
        except IntegrityError:
            if attempt == HANDLE_TRIES:
                raise
            member.handle = None


def admit_identity(
    db: Session, *, provider: OidcProviderConfig, issuer: str, subject: str, claims: dict[str, Any]
) -> Admission:
    """The member behind (issuer, subject), created on first sign-in from the ID token claims,
    and whether they may come in. A member is recognised by (issuer, subject), never by
    e-mail: a new identity whose e-mail another member holds waits for an admin."""
    identity = db.execute(
        select(MemberIdentity).where(
            MemberIdentity.issuer == issuer, MemberIdentity.subject == subject
        )
    ).scalar_one_or_none()
    if identity is not None:
        identity.claims = claims
        identity.last_sign_in_at = utcnow()
        member = db.get_one(Member, identity.member_id)
        _end_suspension_if_due(db, member)
        return _admission(member)

    email = _email(claims)
    trusted_email = email if _email_is_trusted(email, claims, provider) else None
    organisation = _organisation_for(db, provider, trusted_email)
    holder = (
        db.execute(select(Member).where(Member.email == email).limit(1)).scalar_one_or_none()
        if email
        else None
    )
    invitation = db.get(AdminInvitation, trusted_email) if trusted_email else None
    personal = email is not None and is_personal_address(email)
    admitted_at_once = holder is None and (
        invitation is not None
        or (organisation is not None and organisation.is_partner and not personal)
    )
    member = Member(
        display_name=_display_name(claims),
        email=email,
        email_verified=trusted_email is not None,
        organisation_id=organisation.id if organisation else None,
        status=MemberStatus.ACTIVE if admitted_at_once else MemberStatus.PENDING,
        status_reason=None
        if admitted_at_once
        else _pending_reason(
            email=email, trusted_email=trusted_email, organisation=organisation, holder=holder
        ),
        duplicate_of_id=holder.id if holder else None,
        is_admin=invitation is not None and holder is None,
    )
    _insert_member(db, member)
    db.add(
        MemberIdentity(
            member_id=member.id,
            provider_name=provider.name,
            issuer=issuer,
            subject=subject,
            claims=claims,
        )
    )
    enqueue_sync(db, kind="member", id=member.id)
    if not admitted_at_once:
        # the pending page promises that an admin has been told
        announce(
            db,
            parts=[
                (
                    NotificationKind.APPLICATION_WAITING,
                    audiences.application_reviewers(member.organisation_id),
                )
            ],
            subject_type="member",
            subject_id=member.id,
            actor_id=member.id,
            detail={"reason": member.status_reason},
        )
    if invitation is not None and holder is None:
        db.delete(invitation)
        audit.record(
            db,
            actor=None,
            action="admin_granted",
            subject=member,
            reason="Invited with `portal admin grant` before the first sign-in.",
            before={"is_admin": False},
            after={"is_admin": True},
        )
    db.flush()
    return _admission(member)
