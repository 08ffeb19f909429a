"""Who may see, download, change and restore resources."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from app.errors import Forbidden, NotFound
from app.members.models import Member
from app.policy.content import may_see_group_content, visible_to_member_filter
from app.resources.models import Resource, ResourceStatus


def check_view_resource_permission(viewer: Member, resource: Resource) -> None:
    """Pages, file downloads and the API alike. Hidden resources stay visible to their
    owner and to staff; deleted ones to admins, who can restore them."""
    if not may_see_group_content(viewer, resource.group_id):
        raise NotFound("There is no such resource.")
    if resource.status == ResourceStatus.DELETED and not viewer.is_admin:
        raise NotFound("There is no such resource.")
    if (
        resource.status == ResourceStatus.HIDDEN
        and viewer.id != resource.owner_id
        and not viewer.is_staff
    ):
        raise NotFound("There is no such resource.")


def check_change_resource_permission(viewer: Member, resource: Resource) -> None:
    check_view_resource_permission(viewer, resource)
    if not may_change_resource(viewer, resource):
        raise Forbidden("Only the person who added this resource, or a moderator, can change it.")


def may_change_resource(viewer: Member, resource: Resource) -> bool:
    """Whether to offer the edit, upload and delete controls."""
    return viewer.id == resource.owner_id or viewer.is_staff


def may_see_guard_findings(viewer: Member, resource: Resource) -> bool:
    """The guard's notice about an uploaded file (the passages it found) is for the
    uploader and moderators, like a held resource itself."""
    return may_change_resource(viewer, resource)


def _may_restore_resources(viewer: Member) -> bool:
    return viewer.is_admin


def may_restore_resource(viewer: Member, resource: Resource) -> bool:
    """Whether to offer the restore button: on a deleted resource, to admins."""
    return resource.status == ResourceStatus.DELETED and _may_restore_resources(viewer)


def check_restore_resource_permission(viewer: Member, resource: Resource) -> None:
    check_view_resource_permission(viewer, resource)
    if not _may_restore_resources(viewer):
        raise Forbidden("Only admins can restore a deleted resource.")


def check_moderate_resource_permission(viewer: Member, resource: Resource) -> None:
    """Hide and unhide: the portal's moderators and admins."""
    check_view_resource_permission(viewer, resource)
    if not viewer.is_staff:
        raise Forbidden("Only moderators can hide or unhide a resource.")


def listed_resources_filter(viewer: Member) -> ColumnElement[bool]:
    """The library's lists: published resources the member may see."""
    return and_(
        Resource.status == ResourceStatus.PUBLISHED,
        visible_to_member_filter(viewer, Resource.group_id),
    )
