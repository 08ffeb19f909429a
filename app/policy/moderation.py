"""Who may report content, see the moderation queue, and act on a report.

Any member may report what they can see; what they cannot see does not exist for them
(404). Site staff (admins and moderators) see every report and take every action. A group's
owners and moderators see the reports about their group's content and may dismiss them;
hiding, restoring, warning and suspending stay with site staff, because the content
services' moderation rules are staff-only. Everyone else is told the queue does not exist.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound
from app.groups.models import GroupMembership, GroupRole
from app.members.models import Member

GROUP_MODERATING_ROLES = (GroupRole.OWNER, GroupRole.MODERATOR)


def _moderated_groups_query(member: Member) -> Any:
    return select(GroupMembership.group_id).where(
        GroupMembership.member_id == member.id,
        GroupMembership.role.in_(GROUP_MODERATING_ROLES),
    )


def moderated_group_ids(db: Session, member: Member) -> frozenset[str]:
    """The groups whose content ``member`` moderates as an owner or group moderator."""
    return frozenset(db.execute(_moderated_groups_query(member)).scalars())


def check_use_moderation_queue_permission(member: Member, moderated_groups: frozenset[str]) -> None:
    if not member.is_staff and not moderated_groups:
        raise NotFound()


def visible_reports_filter(member: Member, report_model: Any) -> ColumnElement[bool]:
    """SQL twin of check_view_report_permission, for the queue."""
    if member.is_staff:
        return true()
    return report_model.group_id.in_(_moderated_groups_query(member))


def check_view_report_permission(
    member: Member, report: Any, moderated_groups: frozenset[str]
) -> None:
    if member.is_staff:
        return
    if report.group_id is None or report.group_id not in moderated_groups:
        raise NotFound("There is no such report.")


def check_dismiss_report_permission(
    member: Member, report: Any, moderated_groups: frozenset[str]
) -> None:
    check_view_report_permission(member, report, moderated_groups)


def may_act_on_reports(member: Member) -> bool:
    """Hiding, restoring, warning and suspending stay with the portal's staff."""
    return member.is_staff


def check_act_on_report_permission(
    member: Member, report: Any, moderated_groups: frozenset[str]
) -> None:
    """Hide, restore, warn, suspend, remove a spam account, edit out details."""
    check_view_report_permission(member, report, moderated_groups)
    if not may_act_on_reports(member):
        raise Forbidden(
            "Only the portal's moderators and admins can do that; as a group moderator you "
            "can dismiss the report, or ask a moderator to act."
        )


def moderators_filter(group_id: str | None) -> ColumnElement[bool]:
    """Who moderates content, as a condition on ``Member`` rows (the "moderators" audience of
    notifications): the portal's moderators and admins, and for content in a group also that
    group's owners and moderators, the same people who see it in the moderation queue."""
    staff = or_(Member.is_moderator.is_(True), Member.is_admin.is_(True))
    if group_id is None:
        return staff
    group_moderators = select(GroupMembership.member_id).where(
        GroupMembership.group_id == group_id,
        GroupMembership.role.in_(GROUP_MODERATING_ROLES),
    )
    return or_(staff, Member.id.in_(group_moderators))


def check_review_guard_override_permission(
    member: Member, override: Any, moderated_groups: frozenset[str]
) -> None:
    """An item saved anyway after the guard found passages: the portal's moderators, and a
    group's moderators for their group's content, confirm it or record it edited out."""
    check_view_report_permission(member, override, moderated_groups)
