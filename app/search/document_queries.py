"""Reading the rows the index needs from the database: the documents for a batch of
changed rows (the worker's sync), and every document in batches (a full reindex). The
documents themselves are built in app/search/documents.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.discussions.models import Post, Thread
from app.events.models import Event
from app.groups.models import Group
from app.members.models import Member
from app.opportunities.models import Opportunity
from app.policy.search import (
    searchable_events_filter,
    searchable_members_filter,
    searchable_opportunities_filter,
    searchable_post_text_filter,
    searchable_resources_filter,
    searchable_threads_filter,
)
from app.resources.models import Resource, ResourceFile
from app.search.documents import (
    Changes,
    event_changes,
    group_changes,
    member_changes,
    opportunity_changes,
    post_changes,
    quoted,
    resource_changes,
    thread_changes,
)


def _resource_query() -> Any:
    return select(Resource).options(
        selectinload(Resource.topics),
        selectinload(Resource.organisation),
        selectinload(Resource.files).selectinload(ResourceFile.versions),
    )


def _threads(db: Session, ids: list[str]) -> dict[str, Thread]:
    rows = db.execute(
        select(Thread).where(Thread.id.in_(ids)).options(selectinload(Thread.topics))
    ).scalars()
    return {thread.id: thread for thread in rows}


def _openings(db: Session, thread_ids: list[str]) -> dict[str, Post]:
    rows = db.execute(
        select(Post).where(Post.thread_id.in_(thread_ids), Post.number == 1)
    ).scalars()
    return {post.thread_id: post for post in rows}


def _members(query: Any) -> Any:
    return query.options(selectinload(Member.organisation), selectinload(Member.areas_of_practice))


def changes_for(db: Session, kind: str, ids: list[str]) -> Changes:
    """Current state of the rows of one kind, as index changes (a missing row is deleted)."""
    changes = Changes()
    if kind == "resource":
        found = {
            r.id: r for r in db.execute(_resource_query().where(Resource.id.in_(ids))).scalars()
        }
        for resource_id in ids:
            if resource_id in found:
                changes.extend(resource_changes(found[resource_id]))
            else:
                parent = f"resource-{resource_id}"
                changes.delete_ids.append(parent)
                changes.delete_filters.append(f"parent_id = {quoted(parent)}")
    elif kind == "thread":
        threads, openings = _threads(db, ids), _openings(db, ids)
        for thread_id in ids:
            thread = threads.get(thread_id)
            if thread is None:
                changes.delete_filters.append(f"parent_id = {quoted('thread-' + thread_id)}")
                continue
            replies = list(
                db.execute(
                    select(Post).where(Post.thread_id == thread.id, Post.number > 1)
                ).scalars()
            )
            changes.extend(thread_changes(thread, openings.get(thread.id), replies))
    elif kind == "post":
        posts = {p.id: p for p in db.execute(select(Post).where(Post.id.in_(ids))).scalars()}
        threads = _threads(db, sorted({post.thread_id for post in posts.values()}))
        for post_id in ids:
            post = posts.get(post_id)
            if post is None or post.thread_id not in threads:
                changes.delete_ids.append(f"post-{post_id}")
            else:
                changes.extend(post_changes(post, threads[post.thread_id]))
    elif kind == "event":
        found_events = {
            e.id: e
            for e in db.execute(
                select(Event)
                .where(Event.id.in_(ids))
                .options(selectinload(Event.host_organisation))
            ).scalars()
        }
        for event_id in ids:
            if event_id in found_events:
                changes.extend(event_changes(found_events[event_id]))
            else:
                changes.delete_ids.append(f"event-{event_id}")
    elif kind == "opportunity":
        found_opportunities = {
            o.id: o
            for o in db.execute(
                select(Opportunity)
                .where(Opportunity.id.in_(ids))
                .options(selectinload(Opportunity.organisation))
            ).scalars()
        }
        for opportunity_id in ids:
            if opportunity_id in found_opportunities:
                changes.extend(opportunity_changes(found_opportunities[opportunity_id]))
            else:
                changes.delete_ids.append(f"opportunity-{opportunity_id}")
    elif kind == "member":
        found_members = {
            m.id: m
            for m in db.execute(_members(select(Member).where(Member.id.in_(ids)))).scalars()
        }
        for member_id in ids:
            if member_id in found_members:
                changes.extend(member_changes(found_members[member_id]))
            else:
                changes.delete_ids.append(f"member-{member_id}")
    elif kind == "group":
        found_groups = {
            g.id: g for g in db.execute(select(Group).where(Group.id.in_(ids))).scalars()
        }
        for group_id in ids:
            if group_id in found_groups:
                changes.extend(group_changes(found_groups[group_id]))
            else:
                changes.delete_ids.append(f"group-{group_id}")
    return changes


def all_documents(db: Session, *, batch: int = 500) -> Iterator[list[dict[str, Any]]]:
    """Every document, in batches, for a full reindex (keyset pages, bounded memory)."""

    def pages(model: Any, query: Any, size: int) -> Iterator[list[Any]]:
        last = ""
        while True:
            rows = list(
                db.execute(query.where(model.id > last).order_by(model.id).limit(size)).scalars()
            )
            if not rows:
                return
            yield rows
            last = rows[-1].id
            db.expunge_all()

    # A resource carries its files' text: smaller pages.
    resource_page = max(1, min(100, batch // 5))
    for resources in pages(
        Resource, _resource_query().where(searchable_resources_filter()), resource_page
    ):
        yield [doc for resource in resources for doc in resource_changes(resource).upserts]
    for threads in pages(
        Thread,
        select(Thread).where(searchable_threads_filter()).options(selectinload(Thread.topics)),
        batch,
    ):
        openings = _openings(db, [thread.id for thread in threads])
        yield [
            doc
            for thread in threads
            for doc in thread_changes(thread, openings.get(thread.id), None).upserts
        ]
    threads_by_id: dict[str, Thread] = {}
    for posts in pages(
        Post,
        select(Post).where(Post.number > 1, searchable_post_text_filter()),
        batch * 4,
    ):
        missing = sorted({post.thread_id for post in posts} - set(threads_by_id))
        if len(threads_by_id) > 20_000:
            threads_by_id.clear()
            missing = sorted({post.thread_id for post in posts})
        threads_by_id.update(_threads(db, missing))
        yield [
            doc
            for post in posts
            if post.thread_id in threads_by_id
            for doc in post_changes(post, threads_by_id[post.thread_id]).upserts
        ]
    for events in pages(
        Event,
        select(Event)
        .where(searchable_events_filter())
        .options(selectinload(Event.host_organisation)),
        batch,
    ):
        yield [doc for event in events for doc in event_changes(event).upserts]
    for opportunities in pages(
        Opportunity,
        select(Opportunity)
        .where(searchable_opportunities_filter())
        .options(selectinload(Opportunity.organisation)),
        batch,
    ):
        yield [doc for item in opportunities for doc in opportunity_changes(item).upserts]
    for members in pages(
        Member, _members(select(Member).where(searchable_members_filter())), batch
    ):
        yield [doc for member in members for doc in member_changes(member).upserts]
    for groups in pages(Group, select(Group), batch):
        yield [doc for group in groups for doc in group_changes(group).upserts]
