"""Who may see a group, see inside it, join it, post to it and manage it; and the rule that
a group always keeps an owner."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, func, or_, select, true
from sqlalchemy.orm import Session

from app.errors import Forbidden, InvalidInput, NotFound
from app.groups.models import (
    Group,
    GroupKind,
    GroupMembership,
    GroupRole,
    JoinRequest,
    RequestStatus,
)
from app.members.models import Member, MemberStatus


def check_view_group_permission(
    viewer: Member, group: Group, membership: GroupMembership | None, *, invited: bool = False
) -> None:
    """A secret group does not exist for those outside it, except for a member with a
    pending invitation, who sees its name and description to accept or decline."""
    if (
        group.kind == GroupKind.SECRET
        and membership is None
        and not invited
        and not viewer.is_admin
    ):
        raise NotFound("There is no such group.")


def invitation_decides_visibility(group: Group, membership: GroupMembership | None) -> bool:
    """Whether a pending invitation is worth looking up for check_view_group_permission: only
    for a secret group the member is not in."""
    return group.kind == GroupKind.SECRET and membership is None


def pending_invitations(member_id: str) -> Select[tuple[str]]:
    """The groups that have invited the member and wait for an answer."""
    return select(JoinRequest.group_id).where(
        JoinRequest.member_id == member_id,
        JoinRequest.is_invitation.is_(True),
        JoinRequest.status == RequestStatus.PENDING,
    )


def may_see_inside_group(viewer: Member, group: Group, membership: GroupMembership | None) -> bool:
    """Its members list, discussions, resources and events."""
    return group.kind == GroupKind.OPEN or membership is not None or viewer.is_admin


def check_see_inside_group_permission(
    viewer: Member, group: Group, membership: GroupMembership | None
) -> None:
    check_view_group_permission(viewer, group, membership)
    if not may_see_inside_group(viewer, group, membership):
        raise Forbidden("Only members of this group see inside it. Ask to join.")


def check_manage_group_permission(
    viewer: Member, group: Group, membership: GroupMembership | None
) -> None:
    """Requests, invitations and removing members: owners, group moderators and admins."""
    check_view_group_permission(viewer, group, membership)
    if not may_manage_group(viewer, membership):
        raise Forbidden("Only the group's owners and moderators can do that.")


def check_change_group_roles_permission(
    viewer: Member, group: Group, membership: GroupMembership | None
) -> None:
    check_view_group_permission(viewer, group, membership)
    if viewer.is_admin:
        return
    if membership is None or membership.role != GroupRole.OWNER:
        raise Forbidden("Only the group's owners can change roles.")


def listed_groups_filter(viewer: Member) -> ColumnElement[bool]:
    """The groups list: open and private groups, and secret ones the member is in or is
    invited to."""
    if viewer.is_admin:
        return true()
    mine = select(GroupMembership.group_id).where(GroupMembership.member_id == viewer.id)
    return or_(
        Group.kind != GroupKind.SECRET,
        Group.id.in_(mine),
        Group.id.in_(pending_invitations(viewer.id)),
    )


def may_manage_group(viewer: Member, membership: GroupMembership | None) -> bool:
    return viewer.is_admin or (
        membership is not None and membership.role in (GroupRole.OWNER, GroupRole.MODERATOR)
    )


def may_post_to_group(viewer: Member, membership: GroupMembership | None) -> bool:
    """Content for a group is posted by its members and admins."""
    return viewer.is_admin or membership is not None


def check_post_to_group_permission(
    viewer: Member, group: Group | None, membership: GroupMembership | None
) -> None:
    """A form's group field: a group that does not exist and one the member is not in get
    the same answer."""
    if group is None or not may_post_to_group(viewer, membership):
        raise InvalidInput({"group_id": "There is no such group, or you are not a member of it."})


def may_join_without_asking(group: Group) -> bool:
    """An open group is joined at once; a private one is asked."""
    return group.kind == GroupKind.OPEN


def check_join_group_permission(viewer: Member, group: Group) -> None:
    """A secret group is joined by invitation only. Those outside it never see it, so this
    refusal is reached only by a request made by hand."""
    if group.kind == GroupKind.SECRET:
        raise Forbidden("This group is by invitation only.")


def may_be_invited_to_group(invitee: Member | None) -> bool:
    return invitee is not None and invitee.status == MemberStatus.ACTIVE


def owner_count(db: Session, group_id: str) -> int:
    return db.execute(
        select(func.count())
        .select_from(GroupMembership)
        .where(GroupMembership.group_id == group_id, GroupMembership.role == GroupRole.OWNER)
    ).scalar_one()


def is_only_owner(db: Session, membership: GroupMembership) -> bool:
    """A group always keeps at least one owner: its only owner cannot leave, be removed or
    step down until someone else is made owner."""
    return membership.role == GroupRole.OWNER and owner_count(db, membership.group_id) <= 1


def check_remove_group_member_permission(
    viewer: Member, membership: GroupMembership | None, target: GroupMembership
) -> None:
    """Owners are removed only by owners and admins."""
    if target.role == GroupRole.OWNER and not (
        viewer.is_admin or (membership is not None and membership.role == GroupRole.OWNER)
    ):
        raise Forbidden("Only owners can remove an owner.")
