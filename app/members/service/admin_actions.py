"""What admins and moderators may change about a member: approve, reject, suspend, reinstate,
mark as left, role, organisation, flags, linked identities, and `portal admin grant`.
Every change leaves one audit entry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.db import utcnow
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
from app.members.service._common import _london_date, _snapshot
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.outbox.sync import enqueue_sync
from app.policy import check_moderate_member_permission, is_last_active_admin
from app.policy.members import RESPONSIBILITIES, responsibility_label
from app.security.sessions import revoke_member_sessions

REASON_MAX_LENGTH = 1000


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


def refuse_if_last_admin(db: Session, subject: Member, what: str) -> None:
    if is_last_active_admin(db, subject):
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
    announce(
        db,
        parts=[(NotificationKind.MEMBERSHIP_DECISION, audiences.members(subject.id))],
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
    refuse_if_last_admin(db, subject, "suspended")

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
    refuse_if_last_admin(db, subject, "marked as having left")

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
    """Grant or remove a responsibility (``RESPONSIBILITIES``: a recruiter posts
    opportunities for their own organisation; an organisation admin approves its applicants)."""
    if flag not in RESPONSIBILITIES:
        raise InvalidInput({"flag": f"Unknown flag {flag!r}."})
    subject = _load_subject(db, member_id)
    verb = "grant" if value else "remove"
    check_moderate_member_permission(actor, subject, f"{verb}_{flag}")
    attribute = f"is_{flag}"
    if getattr(subject, attribute) == value:
        state = "already" if value else "not"
        label = responsibility_label(flag)
        raise InvalidAction(
            f"{subject.display_name} is {state} {'an' if label[0] in 'ao' else 'a'} {label}."
        )
    if flag == "admin" and not value:
        refuse_if_last_admin(db, subject, "removed as admin")
    if (
        value
        and flag in ("admin", "moderator", "recruiter", "organisation_admin")
        and subject.status != MemberStatus.ACTIVE
    ):
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
