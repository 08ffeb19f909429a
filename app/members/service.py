"""Rules about members: who a signed-in identity is, who is admitted, and what admins and
moderators may change. Every change an admin or moderator makes leaves one audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.audit import service as audit
from app.audit.models import AuditEntry
from app.config import OidcProviderConfig
from app.db import LONDON, utcnow
from app.errors import InvalidAction, InvalidInput, NotFound
from app.members.models import (
    AdminInvitation,
    ApiToken,
    Member,
    MemberIdentity,
    MemberRole,
    MemberStatus,
    Organisation,
)
from app.notifications.kinds import NotificationKind
from app.notifications.service import notify
from app.policy import check_moderate_member_permission, check_use_admin_area_permission
from app.search.sync import enqueue_sync
from app.security.sessions import revoke_member_sessions

REASON_MAX_LENGTH = 1000


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


def _london_date(value: datetime) -> str:
    return value.astimezone(LONDON).strftime("%-d %B %Y")


def _admission(member: Member) -> Admission:
    if member.status == MemberStatus.ACTIVE:
        return Admission(member=member, admitted=True)
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
    admitted_at_once = holder is None and (
        invitation is not None or (organisation is not None and organisation.is_partner)
    )
    member = Member(
        display_name=_display_name(claims),
        email=email,
        email_verified=trusted_email is not None,
        organisation_id=organisation.id if organisation else None,
        status=MemberStatus.ACTIVE if admitted_at_once else MemberStatus.PENDING,
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


def grant_admin(db: Session, *, email: str) -> str:
    """``portal admin grant``: make the member with this e-mail an admin, or invite them so
    they become one at their first sign-in. Returns what was done, for the command."""
    address = email.strip().lower()
    if "@" not in address:
        raise InvalidInput({"email": "is not an e-mail address"})
    found = list(db.execute(select(Member).where(Member.email == address)).scalars())
    if len(found) > 1:
        raise InvalidAction(f"{len(found)} members share the e-mail {address}; link them first")
    if not found:
        if db.get(AdminInvitation, address) is None:
            db.add(AdminInvitation(email=address))
            db.flush()
        return f"{address} will be an admin from their first sign-in"
    member = found[0]
    before = _snapshot(member, "is_admin", "status")
    member.is_admin = True
    if member.status == MemberStatus.PENDING:
        member.status = MemberStatus.ACTIVE
    audit.record(
        db,
        actor=None,
        action="admin_granted",
        subject=member,
        reason="Granted with `portal admin grant`.",
        before=before,
        after=_snapshot(member, "is_admin", "status"),
    )
    return f"{member.display_name} <{address}> is now an admin"


# --- admin and moderator actions -------------------------------------------------------


def _snapshot(member: Member, *fields: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in fields:
        value = getattr(member, field)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        values[field] = value
    return values


def _load_subject(db: Session, member_id: str) -> Member:
    member = db.get(Member, member_id)
    if member is None:
        raise NotFound("There is no member with that id.")
    return member


def _require_reason(reason: str | None, what: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise InvalidInput({"reason": f"Give a reason for the {what}; the member will see it."})
    if len(cleaned) > REASON_MAX_LENGTH:
        raise InvalidInput({"reason": f"Keep the reason under {REASON_MAX_LENGTH} characters."})
    return cleaned


def _active_admin_count(db: Session) -> int:
    return db.execute(
        select(func.count())
        .select_from(Member)
        .where(Member.is_admin, Member.status == MemberStatus.ACTIVE)
    ).scalar_one()


def _refuse_if_last_admin(db: Session, subject: Member, what: str) -> None:
    if subject.is_admin and subject.status == MemberStatus.ACTIVE and _active_admin_count(db) <= 1:
        raise InvalidAction(f"{subject.display_name} is the last admin and cannot be {what}.")


def _revoke_access(db: Session, member: Member) -> None:
    revoke_member_sessions(db, member.id)
    db.execute(
        update(ApiToken)
        .where(ApiToken.member_id == member.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def _record_change(
    db: Session,
    *,
    actor: Member,
    subject: Member,
    action: str,
    before: dict[str, Any],
    reason: str | None,
) -> Member:
    """One audit entry for one action, with the changed fields before and after; the
    member's search document follows the change."""
    db.flush()
    enqueue_sync(db, kind="member", id=subject.id)
    audit.record(
        db,
        actor=actor,
        action=action,
        subject=subject,
        reason=reason,
        before=before,
        after=_snapshot(subject, *before),
    )
    return subject


STATUS_FIELDS = ("status", "status_reason", "suspended_until")


def _tell_member(db: Session, subject: Member, decision: str, *, reason: str | None = None) -> None:
    """The member hears the decision (by e-mail at once, by default), with the reason
    they would see on the sign-in page."""
    detail: dict[str, Any] = {"decision": decision}
    if reason:
        detail["reason"] = reason
    if subject.suspended_until is not None and decision == "suspended":
        detail["until"] = _london_date(subject.suspended_until)
    notify(
        db,
        member_id=subject.id,
        kind=NotificationKind.MEMBERSHIP_DECISION,
        subject_type="member",
        subject_id=subject.id,
        detail=detail,
    )


def approve(db: Session, *, actor: Member, member_id: str, reason: str | None = None) -> Member:
    subject = _load_subject(db, member_id)
    check_moderate_member_permission(actor, subject, "approve")
    if subject.status != MemberStatus.PENDING:
        raise InvalidAction(f"{subject.display_name} is {subject.status.value}, not pending.")

    before = _snapshot(subject, *STATUS_FIELDS)
    subject.status, subject.status_reason, subject.duplicate_of_id = (
        MemberStatus.ACTIVE,
        None,
        None,
    )
    _tell_member(db, subject, "approved")
    return _record_change(
        db, actor=actor, subject=subject, action="approved", before=before, reason=reason
    )


def reject(db: Session, *, actor: Member, member_id: str, reason: str | None) -> Member:
    subject = _load_subject(db, member_id)
    check_moderate_member_permission(actor, subject, "reject")
    cleaned = _require_reason(reason, "rejection")
    if subject.status != MemberStatus.PENDING:
        raise InvalidAction(f"{subject.display_name} is {subject.status.value}, not pending.")

    before = _snapshot(subject, *STATUS_FIELDS)
    subject.status, subject.status_reason = MemberStatus.REJECTED, cleaned
    _tell_member(db, subject, "rejected", reason=cleaned)
    return _record_change(
        db, actor=actor, subject=subject, action="rejected", before=before, reason=cleaned
    )


def suspend(
    db: Session,
    *,
    actor: Member,
    member_id: str,
    reason: str | None,
    until: datetime | None = None,
) -> Member:
    """Suspend at once: sessions and API tokens stop working on the next request."""
    subject = _load_subject(db, member_id)
    check_moderate_member_permission(actor, subject, "suspend")
    cleaned = _require_reason(reason, "suspension")
    if until is not None and until <= utcnow():
        raise InvalidInput({"until": "The end date must be in the future."})
    if subject.status != MemberStatus.ACTIVE:
        raise InvalidAction(f"{subject.display_name} is {subject.status.value}, not active.")
    _refuse_if_last_admin(db, subject, "suspended")

    before = _snapshot(subject, *STATUS_FIELDS)
    subject.status, subject.status_reason, subject.suspended_until = (
        MemberStatus.SUSPENDED,
        cleaned,
        until,
    )
    _revoke_access(db, subject)
    _tell_member(db, subject, "suspended", reason=cleaned)
    return _record_change(
        db, actor=actor, subject=subject, action="suspended", before=before, reason=cleaned
    )


def reinstate(db: Session, *, actor: Member, member_id: str, reason: str | None = None) -> Member:
    subject = _load_subject(db, member_id)
    check_moderate_member_permission(actor, subject, "reinstate")
    if subject.status not in (MemberStatus.SUSPENDED, MemberStatus.LEFT):
        raise InvalidAction(
            f"{subject.display_name} is {subject.status.value}; only suspended members and "
            "members who left can be reinstated."
        )

    before = _snapshot(subject, *STATUS_FIELDS)
    subject.status, subject.status_reason, subject.suspended_until = (
        MemberStatus.ACTIVE,
        None,
        None,
    )
    _tell_member(db, subject, "reinstated")
    return _record_change(
        db, actor=actor, subject=subject, action="reinstated", before=before, reason=reason
    )


def mark_left(db: Session, *, actor: Member, member_id: str, reason: str | None = None) -> Member:
    subject = _load_subject(db, member_id)
    check_moderate_member_permission(actor, subject, "mark_left")
    if subject.status not in (MemberStatus.ACTIVE, MemberStatus.SUSPENDED):
        raise InvalidAction(f"{subject.display_name} is {subject.status.value}; cannot leave.")
    _refuse_if_last_admin(db, subject, "marked as having left")

    before = _snapshot(subject, *STATUS_FIELDS)
    subject.status, subject.status_reason, subject.suspended_until = (
        MemberStatus.LEFT,
        (reason or "").strip() or None,
        None,
    )
    _revoke_access(db, subject)
    return _record_change(
        db, actor=actor, subject=subject, action="marked_left", before=before, reason=reason
    )


def change_role(
    db: Session, *, actor: Member, member_id: str, role: str, reason: str | None = None
) -> Member:
    subject = _load_subject(db, member_id)
    check_moderate_member_permission(actor, subject, "change_role")
    try:
        new_role = MemberRole(role)
    except ValueError:
        raise InvalidInput({"role": f"Unknown role {role!r}."}) from None
    if subject.role == new_role:
        raise InvalidAction(f"{subject.display_name} is already a {new_role.value}.")

    before = _snapshot(subject, "role")
    subject.role = new_role
    return _record_change(
        db, actor=actor, subject=subject, action="role_changed", before=before, reason=reason
    )


def change_organisation(
    db: Session,
    *,
    actor: Member,
    member_id: str,
    organisation_id: str | None,
    reason: str | None = None,
) -> Member:
    subject = _load_subject(db, member_id)
    check_moderate_member_permission(actor, subject, "change_organisation")
    if organisation_id and db.get(Organisation, organisation_id) is None:
        raise InvalidInput({"organisation_id": "There is no such organisation."})
    new_id = organisation_id or None
    if subject.organisation_id == new_id:
        raise InvalidAction(f"{subject.display_name} already belongs there.")

    before = _snapshot(subject, "organisation_id")
    subject.organisation_id = new_id
    return _record_change(
        db,
        actor=actor,
        subject=subject,
        action="organisation_changed",
        before=before,
        reason=reason,
    )


def set_flag(
    db: Session,
    *,
    actor: Member,
    member_id: str,
    flag: str,
    value: bool,
    reason: str | None = None,
) -> Member:
    """Grant or remove the admin, moderator or champion flag."""
    if flag not in ("admin", "moderator", "champion"):
        raise InvalidInput({"flag": f"Unknown flag {flag!r}."})
    subject = _load_subject(db, member_id)
    verb = "grant" if value else "remove"
    check_moderate_member_permission(actor, subject, f"{verb}_{flag}")
    attribute = f"is_{flag}"
    if getattr(subject, attribute) == value:
        state = "already" if value else "not"
        raise InvalidAction(
            f"{subject.display_name} is {state} {'an' if flag == 'admin' else 'a'} {flag}."
        )
    if flag == "admin" and not value:
        _refuse_if_last_admin(db, subject, "removed as admin")
    if value and flag in ("admin", "moderator") and subject.status != MemberStatus.ACTIVE:
        raise InvalidAction(f"{subject.display_name} is {subject.status.value}, not active.")

    before = _snapshot(subject, attribute)
    setattr(subject, attribute, value)
    return _record_change(
        db,
        actor=actor,
        subject=subject,
        action=f"{flag}_{'granted' if value else 'removed'}",
        before=before,
        reason=reason,
    )


def link_identity(
    db: Session, *, actor: Member, member_id: str, reason: str | None = None
) -> Member:
    """Move a waiting identity onto the member who already holds its e-mail address, and
    remove the waiting record. Returns the member the identity now belongs to."""
    waiting = _load_subject(db, member_id)
    check_moderate_member_permission(actor, waiting, "link_identity")
    if waiting.status != MemberStatus.PENDING or waiting.duplicate_of_id is None:
        raise InvalidAction(
            f"{waiting.display_name} is not a sign-in waiting to be linked to another member."
        )
    holder = _load_subject(db, waiting.duplicate_of_id)
    check_moderate_member_permission(actor, holder, "link_identity")
    identities = list(
        db.execute(select(MemberIdentity).where(MemberIdentity.member_id == waiting.id)).scalars()
    )
    before = {"identities": len(holder_identities(db, holder))}
    for identity in identities:
        identity.member_id = holder.id
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="identity_linked",
        subject=holder,
        reason=reason,
        before=before,
        after={
            "identities": len(holder_identities(db, holder)),
            "linked": ", ".join(f"{i.provider_name}:{i.subject}" for i in identities),
        },
    )
    db.delete(waiting)
    db.flush()
    enqueue_sync(db, kind="member", id=waiting.id)
    return holder


def holder_identities(db: Session, member: Member) -> list[MemberIdentity]:
    return list(
        db.execute(
            select(MemberIdentity)
            .where(MemberIdentity.member_id == member.id)
            .order_by(MemberIdentity.created_at)
        ).scalars()
    )


# --- lists for the admin area ------------------------------------------------------------


@dataclass(frozen=True)
class MemberFilter:
    status: MemberStatus | None = None
    organisation_id: str | None = None
    role: MemberRole | None = None
    query: str | None = None


def list_members(
    db: Session, *, actor: Member, member_filter: MemberFilter, offset: int, limit: int
) -> tuple[list[Member], int]:
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
    total = db.execute(select(func.count()).select_from(Member).where(*conditions)).scalar_one()
    members = db.execute(
        select(Member)
        .where(*conditions)
        .options(selectinload(Member.organisation))
        .order_by(Member.status != MemberStatus.PENDING, Member.display_name, Member.id)
        .offset(offset)
        .limit(limit)
    ).scalars()
    return list(members), total


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
