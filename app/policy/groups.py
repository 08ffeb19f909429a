"""Who may see a group, see inside it, and manage it."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, or_, select, true

from app.errors import Forbidden, NotFound
from app.groups.models import (
    Group,
    GroupKind,
    GroupMembership,
    GroupRole,
    JoinRequest,
    RequestStatus,
)
from app.members.models import Member


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


def check_remove_group_member_permission(
    viewer: Member, membership: GroupMembership | None, target: GroupMembership
) -> None:
    """Owners are removed only by owners and admins."""
    if target.role == GroupRole.OWNER and not (
        viewer.is_admin or (membership is not None and membership.role == GroupRole.OWNER)
    ):
        raise Forbidden("Only owners can remove an owner.")
