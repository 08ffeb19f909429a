"""Visibility shared by member-written content (resources, threads, events): each row has
a ``group_id`` that is NULL for "all members" or names the one group that may see it.

Groups arrive with the groups issue; until then no member belongs to any group, so
group-only content is visible to admins alone (who can always see everything, to moderate).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, true

from app.members.models import Member


def member_group_ids(member: Member) -> frozenset[str]:
    """The groups whose content ``member`` may see. The groups issue fills this in."""
    return frozenset()


def may_see_group_content(member: Member, group_id: str | None) -> bool:
    return group_id is None or member.is_admin or group_id in member_group_ids(member)


def visible_to_member_filter(member: Member, group_column: Any) -> ColumnElement[bool]:
    """SQL twin of may_see_group_content for a model's ``group_id`` column."""
    if member.is_admin:
        return true()
    groups = member_group_ids(member)
    if not groups:
        return group_column.is_(None)
    return or_(group_column.is_(None), group_column.in_(groups))


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
