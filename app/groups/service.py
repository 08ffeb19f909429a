"""Rules for groups: creating them, joining, requests, invitations, roles and removal.

A group always keeps at least one owner. Admins can manage any group. Membership changes
take effect on the member's next request, because every page asks the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db import utcnow
from app.discussions.models import Category, Thread
from app.errors import InvalidAction, InvalidInput, NotFound
from app.events.models import Event, EventStatus
from app.groups.models import (
    Group,
    GroupKind,
    GroupMembership,
    GroupRole,
    JoinRequest,
    RequestStatus,
)
from app.guard.service import GuardSubject, check_before_saving, record_override
from app.members.models import Member
from app.members.reference_data import slugify
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.outbox.sync import enqueue_sync
from app.policy import (
    check_change_group_roles_permission,
    check_manage_group_permission,
    check_see_inside_group_permission,
    check_view_group_permission,
    listed_in_directory,
    may_see_group_content,
    may_see_inside_group,
)
from app.policy.groups import (
    check_join_group_permission,
    check_post_to_group_permission,
    check_remove_group_member_permission,
    invitation_decides_visibility,
    is_only_owner,
    may_be_invited_to_group,
    may_join_without_asking,
    may_manage_group,
    may_post_to_group,
    pending_invitations,
)
from app.resources.models import Resource, ResourceStatus


def _membership(db: Session, group_id: str, member_id: str) -> GroupMembership | None:
    return db.execute(
        select(GroupMembership).where(
            GroupMembership.group_id == group_id, GroupMembership.member_id == member_id
        )
    ).scalar_one_or_none()


def _group_by_slug(db: Session, slug: str) -> Group:
    group = db.execute(select(Group).where(Group.slug == slug)).scalar_one_or_none()
    if group is None:
        raise NotFound("There is no such group.")
    return group


def is_invited(db: Session, group_id: str, member_id: str) -> bool:
    invitations = pending_invitations(member_id).where(JoinRequest.group_id == group_id)
    return db.execute(invitations.limit(1)).first() is not None


def _visible_group(db: Session, viewer: Member, slug: str) -> tuple[Group, GroupMembership | None]:
    group = _group_by_slug(db, slug)
    membership = _membership(db, group.id, viewer.id)
    invited = invitation_decides_visibility(group, membership) and is_invited(
        db, group.id, viewer.id
    )
    check_view_group_permission(viewer, group, membership, invited=invited)
    return group, membership


def is_group_member(db: Session, *, member: Member, group_id: str) -> bool:
    return _membership(db, group_id, member.id) is not None


def check_post_to_group(db: Session, *, actor: Member, group_id: str | None) -> None:
    """Content for a group is posted by its members (and admins)."""
    if group_id is None:
        return
    group = db.get(Group, group_id)
    membership = _membership(db, group_id, actor.id) if group is not None else None
    check_post_to_group_permission(actor, group, membership)


def create_group(
    db: Session,
    *,
    actor: Member,
    name: str,
    description: str,
    kind: str,
    post_anyway: bool = False,
    guard_reason: str | None = None,
) -> Group:
    """The name and description go through the anonymisation guard."""
    errors: dict[str, str] = {}
    name, description = name.strip(), description.strip()
    if not name or len(name) > 120:
        errors["name"] = "Give a name of up to 120 characters."
    elif db.execute(select(Group.id).where(Group.name == name)).first():
        errors["name"] = "There is already a group with that name."
    if not description or len(description) > 2000:
        errors["description"] = "Describe the group in up to 2,000 characters."
    if kind not in {k.value for k in GroupKind}:
        errors["kind"] = "Choose open, private or secret."
    if errors:
        raise InvalidInput(errors)
    override = check_before_saving(
        {"name": name, "description": description}, post_anyway=post_anyway, reason=guard_reason
    )
    group = Group(name=name, slug=slugify(name)[:80], description=description, kind=GroupKind(kind))
    db.add(group)
    db.flush()
    category = Category(
        slug=f"group-{group.slug}"[:80],
        name=f"{name} (group)"[:120],
        description=f"Discussions of the {name} group.",
        position=1000,
        group_id=group.id,
    )
    db.add(category)
    db.flush()
    group.category_id = category.id
    db.add(GroupMembership(group_id=group.id, member_id=actor.id, role=GroupRole.OWNER))
    db.flush()
    enqueue_sync(db, kind="group", id=group.id)
    subject = GuardSubject(
        type="group", id=group.id, label=group.name, url=f"/groups/{group.slug}", group_id=group.id
    )
    record_override(db, actor=actor, subject=subject, override=override)
    return group


@dataclass(frozen=True)
class GroupPage:
    group: Group
    membership: GroupMembership | None
    may_see_inside: bool
    may_manage: bool
    may_add_content: bool
    members: list[GroupMembership]
    threads: list[Thread]
    resources: list[Resource]
    events: list[Event]
    requests: list[JoinRequest]
    invitation: JoinRequest | None
    pending_request: JoinRequest | None


def group_page(db: Session, *, viewer: Member, slug: str) -> GroupPage:
    group, membership = _visible_group(db, viewer, slug)
    inside = may_see_inside_group(viewer, group, membership)
    manage = may_manage_group(viewer, membership)
    members: list[GroupMembership] = []
    threads: list[Thread] = []
    resources: list[Resource] = []
    events: list[Event] = []
    if inside:
        members = list(
            db.execute(
                select(GroupMembership)
                .where(GroupMembership.group_id == group.id)
                .join(Member, Member.id == GroupMembership.member_id)
                .where(listed_in_directory())
                .options(selectinload(GroupMembership.member))
                .order_by(GroupMembership.role, Member.display_name)
            ).scalars()
        )
        threads = list(
            db.execute(
                select(Thread)
                .where(Thread.group_id == group.id, Thread.deleted_at.is_(None))
                .order_by(Thread.last_post_at.desc())
                .limit(10)
            ).scalars()
        )
        resources = list(
            db.execute(
                select(Resource)
                .where(Resource.group_id == group.id, Resource.status == ResourceStatus.PUBLISHED)
                .order_by(Resource.created_at.desc())
                .limit(10)
            ).scalars()
        )
        events = list(
            db.execute(
                select(Event)
                .where(
                    Event.group_id == group.id,
                    Event.status == EventStatus.SCHEDULED,
                    Event.ends_at >= utcnow(),
                )
                .order_by(Event.starts_at)
                .limit(10)
            ).scalars()
        )
    requests: list[JoinRequest] = []
    if manage:
        requests = list(
            db.execute(
                select(JoinRequest)
                .where(
                    JoinRequest.group_id == group.id,
                    JoinRequest.status == RequestStatus.PENDING,
                    JoinRequest.is_invitation.is_(False),
                )
                .options(selectinload(JoinRequest.member))
                .order_by(JoinRequest.created_at)
            ).scalars()
        )
    mine = list(
        db.execute(
            select(JoinRequest).where(
                JoinRequest.group_id == group.id,
                JoinRequest.member_id == viewer.id,
                JoinRequest.status == RequestStatus.PENDING,
            )
        ).scalars()
    )
    return GroupPage(
        group=group,
        membership=membership,
        may_see_inside=inside,
        may_manage=manage,
        may_add_content=may_post_to_group(viewer, membership),
        members=members,
        threads=threads,
        resources=resources,
        events=events,
        requests=requests,
        invitation=next((r for r in mine if r.is_invitation), None),
        pending_request=next((r for r in mine if not r.is_invitation), None),
    )


def join(db: Session, *, actor: Member, slug: str, message: str | None = None) -> str:
    """Join an open group, or ask to join a private one; returns what happened."""
    group, membership = _visible_group(db, actor, slug)
    if membership is not None:
        raise InvalidAction("You are already a member of this group.")
    if may_join_without_asking(group):
        db.add(GroupMembership(group_id=group.id, member_id=actor.id, role=GroupRole.MEMBER))
        db.flush()
        return "joined"
    check_join_group_permission(actor, group)
    pending = db.execute(
        select(JoinRequest).where(
            JoinRequest.group_id == group.id,
            JoinRequest.member_id == actor.id,
            JoinRequest.status == RequestStatus.PENDING,
        )
    ).scalar_one_or_none()
    if pending is not None:
        raise InvalidAction("You have already asked to join; the owners will decide.")
    db.add(
        JoinRequest(
            group_id=group.id, member_id=actor.id, message=(message or "").strip()[:1000] or None
        )
    )
    db.flush()
    return "requested"


def leave(db: Session, *, actor: Member, slug: str) -> Group:
    group, membership = _visible_group(db, actor, slug)
    if membership is None:
        raise InvalidAction("You are not a member of this group.")
    if is_only_owner(db, membership):
        raise InvalidAction(
            "You are the group's only owner: make someone else an owner before you leave."
        )
    db.delete(membership)
    db.flush()
    return group


def decide_request(
    db: Session,
    *,
    actor: Member,
    slug: str,
    request_id: str,
    approve: bool,
    message: str | None = None,
) -> JoinRequest:
    group, membership = _visible_group(db, actor, slug)
    check_manage_group_permission(actor, group, membership)
    request = db.get(JoinRequest, request_id)
    if request is None or request.group_id != group.id or request.is_invitation:
        raise NotFound("There is no such request.")
    if request.status != RequestStatus.PENDING:
        raise InvalidAction("That request has already been decided.")
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.decision_message = (message or "").strip()[:1000] or None
    request.decided_by_id, request.decided_at = actor.id, utcnow()
    if approve and _membership(db, group.id, request.member_id) is None:
        db.add(
            GroupMembership(group_id=group.id, member_id=request.member_id, role=GroupRole.MEMBER)
        )
    db.flush()
    detail = {"decision": "approved" if approve else "refused"}
    if request.decision_message:
        detail["message"] = request.decision_message
    announce(
        db,
        parts=[(NotificationKind.GROUP_DECISION, audiences.members(request.member_id))],
        subject_type="group",
        subject_id=group.id,
        actor_id=actor.id,
        detail=detail,
    )
    return request


def invite(db: Session, *, actor: Member, slug: str, member_id: str) -> JoinRequest:
    group, membership = _visible_group(db, actor, slug)
    check_manage_group_permission(actor, group, membership)
    invitee = db.get(Member, member_id)
    if invitee is None or not may_be_invited_to_group(invitee):
        raise InvalidInput({"member_id": "Choose an active member from the directory."})
    if _membership(db, group.id, invitee.id) is not None:
        raise InvalidAction(f"{invitee.display_name} is already in the group.")
    already = db.execute(
        select(JoinRequest).where(
            JoinRequest.group_id == group.id,
            JoinRequest.member_id == invitee.id,
            JoinRequest.status == RequestStatus.PENDING,
            JoinRequest.is_invitation.is_(True),
        )
    ).scalar_one_or_none()
    if already is not None:
        raise InvalidAction(f"{invitee.display_name} has already been invited.")
    invitation = JoinRequest(
        group_id=group.id, member_id=invitee.id, is_invitation=True, invited_by_id=actor.id
    )
    db.add(invitation)
    announce(
        db,
        parts=[(NotificationKind.GROUP_INVITATION, audiences.members(invitee.id))],
        subject_type="group",
        subject_id=group.id,
        actor_id=actor.id,
    )
    db.flush()
    return invitation


def answer_invitation(db: Session, *, actor: Member, slug: str, accept: bool) -> Group:
    group = _group_by_slug(db, slug)
    invitation = db.execute(
        select(JoinRequest)
        .where(
            JoinRequest.group_id == group.id,
            JoinRequest.member_id == actor.id,
            JoinRequest.is_invitation.is_(True),
        )
        .order_by(JoinRequest.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if invitation is None:
        check_view_group_permission(actor, group, _membership(db, group.id, actor.id))
        raise InvalidAction("You have no invitation to this group.")
    if invitation.status != RequestStatus.PENDING:
        raise InvalidAction("You have already answered this invitation.")
    invitation.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    invitation.decided_at = utcnow()
    if accept and _membership(db, group.id, actor.id) is None:
        db.add(GroupMembership(group_id=group.id, member_id=actor.id, role=GroupRole.MEMBER))
    db.flush()
    return group


def _removable(
    db: Session, *, actor: Member, slug: str, member_id: str
) -> tuple[Group, GroupMembership]:
    group, membership = _visible_group(db, actor, slug)
    check_manage_group_permission(actor, group, membership)
    target = _membership(db, group.id, member_id)
    if target is None:
        raise NotFound("That person is not in the group.")
    check_remove_group_member_permission(actor, membership, target)
    if is_only_owner(db, target):
        raise InvalidAction("The group's only owner cannot be removed.")
    return group, target


def member_to_remove(
    db: Session, *, actor: Member, slug: str, member_id: str
) -> tuple[Group, Member]:
    """The group and the person remove_member would remove, after the same checks (a
    confirmation page names them before anything changes)."""
    group, target = _removable(db, actor=actor, slug=slug, member_id=member_id)
    return group, db.get_one(Member, target.member_id)


def remove_member(db: Session, *, actor: Member, slug: str, member_id: str) -> None:
    _group, target = _removable(db, actor=actor, slug=slug, member_id=member_id)
    db.delete(target)
    db.flush()


def change_role(
    db: Session, *, actor: Member, slug: str, member_id: str, role: str
) -> GroupMembership:
    group, membership = _visible_group(db, actor, slug)
    check_change_group_roles_permission(actor, group, membership)
    try:
        new_role = GroupRole(role)
    except ValueError:
        raise InvalidInput({"role": "Choose owner, moderator or member."}) from None
    target = _membership(db, group.id, member_id)
    if target is None:
        raise NotFound("That person is not in the group.")
    if target.role == new_role:
        raise InvalidAction(f"They are already a {new_role.value}.")
    if is_only_owner(db, target):
        raise InvalidAction("A group must keep at least one owner; make someone else owner first.")
    target.role = new_role
    db.flush()
    return target


def group_names(db: Session, *, viewer: Member, group_ids: list[str | None]) -> dict[str, str]:
    """The names of the groups whose content is shown, by id, for "Visible to: … members
    only" labels; a group the viewer may not see is left out (one query for a whole list)."""
    ids = sorted({g for g in group_ids if g and may_see_group_content(viewer, g)})
    if not ids:
        return {}
    rows = db.execute(select(Group.id, Group.name).where(Group.id.in_(ids))).all()
    return {group_id: name for group_id, name in rows}


def group_choices(db: Session, *, member: Member) -> list[Group]:
    """Groups a member may post content to: the ones they belong to."""
    return list(
        db.execute(
            select(Group)
            .join(GroupMembership, GroupMembership.group_id == Group.id)
            .where(GroupMembership.member_id == member.id)
            .order_by(Group.name)
        ).scalars()
    )


def check_inside(db: Session, *, viewer: Member, slug: str) -> Group:
    group, membership = _visible_group(db, viewer, slug)
    check_see_inside_group_permission(viewer, group, membership)
    return group
