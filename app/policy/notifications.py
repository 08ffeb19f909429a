"""Whether a member may still be told about something: checked when the notification list
is shown, when an immediate e-mail is sent and when a digest is built, so a member who
lost access (left a group, content hidden) is told nothing more about it.

Notifications never repeat hidden or deleted content, not even to staff: moderators see
it on the page itself."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session

from app.discussions.models import Post, Thread
from app.errors import NotFound
from app.events.models import Event
from app.groups.models import Group, GroupMembership, JoinRequest
from app.guard.models import GuardOverride
from app.members.models import Member, MemberStatus
from app.notifications.kinds import KINDS, NotificationKind
from app.notifications.models import Notification
from app.opportunities.models import Opportunity
from app.policy.content import members_who_may_see_group_content
from app.policy.discussions import check_view_thread_permission
from app.policy.events import check_view_event_permission
from app.policy.groups import check_view_group_permission, pending_invitations
from app.policy.members import may_review_applications
from app.policy.moderation import may_act_on_reports, moderated_group_ids
from app.policy.opportunities import check_view_opportunity_permission
from app.resources.models import Resource

ALWAYS_DELIVERED_KINDS = frozenset({"membership_decision"})
"""Told even to a member who is no longer active: the decision is about that."""


def check_own_notification_permission(viewer: Member, notification: Notification | None) -> None:
    """A member's notifications are theirs alone: anyone else's do not exist for them."""
    if notification is None or notification.member_id != viewer.id:
        raise NotFound("There is no such notification.")


def kinds_that_may_reach(db: Session, member: Member) -> list[NotificationKind]:
    """The kinds offered on a member's e-mail settings: only those that can ever reach them.
    Applications waiting go to admins, guard notices to the moderators of the portal or of a
    group; offering them to everyone else would ask members to choose about mail they never get."""
    kinds = list(KINDS)
    if not may_review_applications(member):
        kinds.remove(NotificationKind.APPLICATION_WAITING)
    if not (member.is_staff or moderated_group_ids(db, member)):
        kinds.remove(NotificationKind.GUARD_NOTICE)
    return kinds


def may_receive_notifications(member: Member, kind: str) -> bool:
    return member.status == MemberStatus.ACTIVE or kind in ALWAYS_DELIVERED_KINDS


def may_be_told_filter(
    *, kind: str, actor_id: str | None, group_id: str | None
) -> ColumnElement[bool]:
    """Set-based twin of the rules above, as a condition on ``Member`` rows, for the worker's
    fan-out: who may receive this kind, leaving out whoever acted (nobody is told of their
    own action), among those who may see the content's group."""
    receiving = true() if kind in ALWAYS_DELIVERED_KINDS else Member.status == MemberStatus.ACTIVE
    not_the_actor = true() if actor_id is None else Member.id != actor_id
    return and_(receiving, not_the_actor, members_who_may_see_group_content(group_id))


def is_tellable_content(subject: Thread | Post | Event | None, thread: Thread | None) -> bool:
    """Whether anything may be said about this content at all: nothing about a deleted
    thread, a hidden or deleted post, or a hidden event, to anyone."""
    if subject is None:
        return False
    if isinstance(subject, Post):
        if subject.hidden_reason is not None or subject.deleted_at is not None:
            return False
        return thread is not None and thread.deleted_at is None
    if isinstance(subject, Thread):
        return subject.deleted_at is None
    return subject.hidden_reason is None


def is_told_of_own_action(member_id: str, actor_id: str | None) -> bool:
    return actor_id is not None and actor_id == member_id


def may_be_told_about_thread(member: Member, thread: Thread) -> bool:
    if thread.deleted_at is not None:
        return False
    try:
        check_view_thread_permission(member, thread)
    except NotFound:
        return False
    return True


def may_be_told_about_post(member: Member, thread: Thread, post: Post) -> bool:
    if post.hidden_reason is not None or post.deleted_at is not None:
        return False
    return may_be_told_about_thread(member, thread)


def may_be_told_about_event(member: Member, event: Event) -> bool:
    if event.hidden_reason is not None:
        return False
    try:
        check_view_event_permission(member, event)
    except NotFound:
        return False
    return True


def may_be_told_about_group(db: Session, member: Member, group: Group) -> bool:
    """The same rule as the group's page: a secret group exists only for its members and
    those it has invited."""
    membership = db.execute(
        select(GroupMembership).where(
            GroupMembership.group_id == group.id, GroupMembership.member_id == member.id
        )
    ).scalar_one_or_none()
    invited = db.execute(
        pending_invitations(member.id).where(JoinRequest.group_id == group.id).limit(1)
    ).first()
    try:
        check_view_group_permission(member, group, membership, invited=invited is not None)
    except NotFound:
        return False
    return True


def may_be_told_about_opportunity(member: Member, opportunity: Opportunity) -> bool:
    """Nothing more about a withdrawn one; a closed one is still named (its page says so)."""
    try:
        check_view_opportunity_permission(member, opportunity)
    except NotFound:
        return False
    return opportunity.withdrawn_at is None


def may_be_told_of_guard_override(
    member: Member, override: GuardOverride, moderated_groups: frozenset[str]
) -> bool:
    """An item saved anyway after the guard found passages: told to those who review it in
    the moderation queue (site staff; a group's moderators for their group's content)."""
    return member.is_staff or (
        override.group_id is not None and override.group_id in moderated_groups
    )


def may_be_told_of_held_resource(member: Member, resource: Resource) -> bool:
    """A resource whose file the guard holds: told to those who may clear it, while it is
    held."""
    return may_act_on_reports(member) and resource.guard_held
