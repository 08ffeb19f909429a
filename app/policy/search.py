"""What the search index may hold, and for whom.

The index is shared by every member, so it holds only what some member may find by search;
a document carries the fields the Meilisearch filter needs (``group_id``: null for every
member, else the one group whose members may find it) and content.search_access_filter
decides, from the same rule as the pages. Each ``is_searchable_*`` predicate has its SQL
twin for the full reindex.

Left out: resources that are not published, deleted threads, hidden or deleted posts
(an opening post's text; a reply altogether), hidden events, withdrawn opportunities and
those the worker has closed after their closing day, members who are not active, and
profile fields a member shows to fewer than all members (search has no
per-organisation view). A secret group's own document is found only by its members.

Never indexed at all: members' CPD records (entries, invitations, colleagues' notes). They
are private to their member (app/policy/cpd.py), so no search document kind exists for
them and app/cpd queues no search sync.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from app.discussions.models import Post, Thread
from app.events.models import Event
from app.groups.models import Group, GroupKind
from app.members.models import Member, MemberStatus, Visibility
from app.opportunities.models import Opportunity
from app.policy.members import listed_in_directory
from app.resources.models import Resource, ResourceStatus


def is_searchable_resource(resource: Resource) -> bool:
    """Published, and not held by the anonymisation guard (a held resource is also hidden;
    the second test keeps it out of the index even if its status were changed alone)."""
    return resource.status == ResourceStatus.PUBLISHED and not resource.guard_held


def searchable_resources_filter() -> ColumnElement[bool]:
    return and_(Resource.status == ResourceStatus.PUBLISHED, Resource.guard_held.is_(False))


def is_searchable_thread(thread: Thread) -> bool:
    return thread.deleted_at is None


def searchable_threads_filter() -> ColumnElement[bool]:
    return Thread.deleted_at.is_(None)


def is_searchable_post_text(post: Post) -> bool:
    """A hidden or deleted post's text is never indexed, for staff neither."""
    return not post.is_hidden and not post.is_deleted


def is_searchable_reply(reply: Post, thread: Thread) -> bool:
    return is_searchable_thread(thread) and is_searchable_post_text(reply)


def searchable_post_text_filter() -> ColumnElement[bool]:
    """SQL twin of is_searchable_post_text (the thread's own rule is applied per thread)."""
    return and_(Post.hidden_reason.is_(None), Post.deleted_at.is_(None))


def is_searchable_event(event: Event) -> bool:
    """Scheduled and cancelled events; never a hidden one."""
    return event.hidden_reason is None


def searchable_events_filter() -> ColumnElement[bool]:
    return Event.hidden_reason.is_(None)


def is_searchable_opportunity(opportunity: Opportunity) -> bool:
    """Open ones only: the worker's closing job sets ``closed_at`` when the closing day
    ends and re-indexes, which removes the document."""
    return opportunity.withdrawn_at is None and opportunity.closed_at is None


def searchable_opportunities_filter() -> ColumnElement[bool]:
    return and_(Opportunity.withdrawn_at.is_(None), Opportunity.closed_at.is_(None))


def is_searchable_member(member: Member) -> bool:
    """The same members as the directory lists."""
    return member.status == MemberStatus.ACTIVE


def searchable_members_filter() -> ColumnElement[bool]:
    return listed_in_directory()


def is_searchable_profile_field(member: Member, field: str) -> bool:
    """Only a field the member shows to every member: a field shown to their organisation
    only would need a per-organisation filter, which search does not have."""
    return member.visibility_of(field) == Visibility.MEMBERS


def group_document_audience(group: Group) -> str | None:
    """The ``group_id`` a group's own document carries: a secret group exists only for its
    members; open and private groups are found by everyone."""
    return group.id if group.kind == GroupKind.SECRET else None
