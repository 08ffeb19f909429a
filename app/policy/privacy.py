"""Rules about members' data rights: who may export whose data, close an account, erase a
member, and see the privacy pages of the admin area."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound
from app.members.models import Member
from app.policy.members import is_last_active_admin, may_use_admin_only_pages


def may_manage_members_data(actor: Member) -> bool:
    """Admins answer members' requests: exports on their behalf, erasure, retention."""
    return may_use_admin_only_pages(actor)


def check_manage_members_data_permission(actor: Member) -> None:
    if not may_manage_members_data(actor):
        raise NotFound()


def check_export_member_data_permission(actor: Member, subject: Member) -> None:
    """A member exports their own data; an admin exports anyone's (and it is audited)."""
    if actor.id != subject.id and not may_manage_members_data(actor):
        raise NotFound()


def check_download_export_permission(
    actor: Member, *, member_id: str, requested_by_id: str | None
) -> None:
    """The member whose data it is, or the admin who asked for it."""
    if actor.id != member_id and not (
        requested_by_id == actor.id and may_manage_members_data(actor)
    ):
        raise NotFound()


def check_request_closure_permission(db: Session, actor: Member) -> None:
    if is_last_active_admin(db, actor):
        raise Forbidden(
            "You are the only active admin: give another member the admin role before "
            "closing your account."
        )


def check_erase_member_permission(db: Session, actor: Member, subject: Member) -> None:
    check_manage_members_data_permission(actor)
    if actor.id == subject.id:
        raise Forbidden("Another admin must erase your account.")
    if is_last_active_admin(db, subject):
        raise Forbidden("This member is the only active admin.")
