"""The list of groups a member may see: every one (the API) or a page of 25 by name (the
groups page), with member counts for the groups listed only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.groups.models import Group, GroupMembership, GroupRole, JoinRequest, RequestStatus
from app.keyset import Cursor, KeysetPage, keyset_page
from app.members.models import Member
from app.policy import listed_groups_filter


@dataclass(frozen=True)
class GroupListing:
    group: Group
    member_count: int
    my_role: GroupRole | None
    pending_request: bool


def _listings(db: Session, viewer: Member, groups: Sequence[Group]) -> list[GroupListing]:
    ids = [group.id for group in groups]
    counts = dict(
        db.execute(
            select(GroupMembership.group_id, func.count())
            .where(GroupMembership.group_id.in_(ids))
            .group_by(GroupMembership.group_id)
        ).all()
    )
    roles = dict(
        db.execute(
            select(GroupMembership.group_id, GroupMembership.role).where(
                GroupMembership.member_id == viewer.id
            )
        ).all()
    )
    pending = set(
        db.execute(
            select(JoinRequest.group_id).where(
                JoinRequest.member_id == viewer.id,
                JoinRequest.status == RequestStatus.PENDING,
                JoinRequest.is_invitation.is_(False),
            )
        ).scalars()
    )
    return [GroupListing(g, counts.get(g.id, 0), roles.get(g.id), g.id in pending) for g in groups]


def list_groups(db: Session, *, viewer: Member) -> list[GroupListing]:
    """Every group the viewer may see, by name."""
    groups = list(
        db.execute(select(Group).where(listed_groups_filter(viewer)).order_by(Group.name)).scalars()
    )
    return _listings(db, viewer, groups)


def page_groups(
    db: Session, *, viewer: Member, cursor: Cursor | None, limit: int
) -> tuple[list[GroupListing], KeysetPage[Any]]:
    """A page of the groups the viewer may see, by name: a national partnership has a
    thousand, and counting every membership of each for one page was the page's cost."""
    page = keyset_page(
        db,
        select(Group).where(listed_groups_filter(viewer)),
        keys=[Group.name, Group.id],
        descending=False,
        cursor=cursor,
        limit=limit,
    )
    return _listings(db, viewer, [row[0] for row in page.items]), page
