"""Visibility shared by member-written content (resources, threads, events): each row has
a ``group_id`` that is NULL for "all members" or names the one group that may see it.

A member may see a group's content when the group is open or they belong to it; admins
see everything, to moderate.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.orm import Session, object_session

from app.groups.models import Group, GroupKind, GroupMembership
from app.members.models import Member

_CACHE_KEY = "_visible_group_ids"


def _visible_group_ids(db: Session, member_id: str) -> frozenset[str]:
    member_groups = select(GroupMembership.group_id).where(GroupMembership.member_id == member_id)
    open_groups = select(Group.id).where(Group.kind == GroupKind.OPEN)
    return frozenset(db.execute(member_groups.union(open_groups)).scalars())


def load_visible_groups(db: Session, member: Member) -> None:
    """Remember, for this request, which groups' content ``member`` may see: authentication
    does this for the signed-in member, whose object outlives its session."""
    remember_visible_groups(member, _visible_group_ids(db, member.id))


def remember_visible_groups(member: Member, group_ids: frozenset[str]) -> None:
    """load_visible_groups with ids read elsewhere (visible_group_ids_columns, in the
    statement that finds the signed-in member)."""
    member.__dict__[_CACHE_KEY] = group_ids


def visible_group_ids_columns(member_id: Any) -> tuple[Any, Any]:
    """_visible_group_ids as two columns of a larger statement, for a member given as SQL
    (the member column of an enclosing query): the member's groups and the open groups,
    each a comma-separated list (group ids are UUIDs); join_group_ids() reads them."""
    theirs = select(func.aggregate_strings(GroupMembership.group_id, ",")).where(
        GroupMembership.member_id == member_id
    )
    open_ones = select(func.aggregate_strings(Group.id, ",")).where(Group.kind == GroupKind.OPEN)
    return theirs.scalar_subquery(), open_ones.scalar_subquery()


def join_group_ids(*lists: str | None) -> frozenset[str]:
    return frozenset(group for ids in lists if ids for group in ids.split(","))


def member_group_ids(member: Member) -> frozenset[str]:
    """The groups whose content ``member`` may see: theirs and every open group."""
    cached = member.__dict__.get(_CACHE_KEY)
    if cached is not None:
        return cached
    session = object_session(member)
    if session is None:
        raise RuntimeError("call load_visible_groups() for a member outside a session")
    # not cached: the same unit of work may change memberships after this
    return _visible_group_ids(session, member.id)


def may_see_group_content(member: Member, group_id: str | None) -> bool:
    return group_id is None or member.is_admin or group_id in member_group_ids(member)


def visible_to_member_row_filter(group_column: Any, member_id_column: Any) -> ColumnElement[bool]:
    """visible_to_member_filter for the member of a ``Member`` row in an enclosing query
    (the statement that finds the signed-in member counts their unread notifications
    with it before the member is loaded). ``member_id_column`` should be a column of the
    same statement as ``group_column`` (e.g. the notification's member), so the group
    subquery correlates with it whatever encloses the statement."""
    return group_content_filter(group_column, member_id=member_id_column, is_admin=Member.is_admin)


def visible_to_member_filter(member: Member, group_column: Any) -> ColumnElement[bool]:
    """SQL twin of may_see_group_content for a model's ``group_id`` column; it asks the
    database, so it is current even within a request that changed memberships."""
    if member.is_admin:
        return true()
    return group_content_filter(group_column, member_id=member.id, is_admin=False)


def group_content_filter(
    group_column: Any, *, member_id: Any, is_admin: Any
) -> ColumnElement[bool]:
    """visible_to_member_filter for a member given as SQL: ``member_id`` and ``is_admin``
    may be values or columns of an enclosing query (the signed-in member's statement
    counts unread notifications with it before the member is loaded)."""
    member_groups = select(GroupMembership.group_id).where(GroupMembership.member_id == member_id)
    open_groups = select(Group.id).where(Group.kind == GroupKind.OPEN)
    return or_(
        is_admin,
        group_column.is_(None),
        group_column.in_(member_groups),
        group_column.in_(open_groups),
    )


def search_access_filter(member: Member) -> str | None:
    """Meilisearch twin of visible_to_member_filter, for documents indexed with a
    ``group_id`` attribute (null for all members). None means no restriction (admins).
    Group ids are quoted and escaped; they never come from the request."""
    if member.is_admin:
        return None
    groups = sorted(member_group_ids(member))
    if not groups:
        return "group_id IS NULL"
    quoted = ", ".join(
        '"' + group.replace("\\", "\\\\").replace('"', '\\"') + '"' for group in groups
    )
    return f"(group_id IS NULL OR group_id IN [{quoted}])"


def members_who_may_see_group_content(group_id: str | None) -> ColumnElement[bool]:
    """Set-based twin of may_see_group_content, as a condition on ``Member`` rows: who may
    see content of ``group_id`` (the worker tells many members at once with it)."""
    if group_id is None:
        return true()
    open_group = select(Group.id).where(Group.id == group_id, Group.kind == GroupKind.OPEN)
    in_group = select(GroupMembership.member_id).where(GroupMembership.group_id == group_id)
    return or_(Member.is_admin, Member.id.in_(in_group), open_group.exists())
