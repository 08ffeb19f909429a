"""What the search index holds: one kind of document per thing a member can find, built from
the database's current state.

Every document has ``id``, ``parent_id`` (the distinct attribute: a resource and the chunks
of its files' text, or a thread and its replies, show once), ``kind``, ``heading`` (what a
result shows as its title), ``url``, ``group_id`` (null: every member may see it) and the
facet fields. What may be indexed, and which ``group_id`` a group's own document carries,
is the policy's to say (app/policy/search.py); this module only builds the documents.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.discussions.models import Post, Thread
from app.events.models import Event
from app.groups.models import Group
from app.members.models import Member
from app.opportunities.models import Opportunity
from app.outbox.sync import INDEXED_KINDS
from app.policy.search import (
    group_document_audience,
    is_searchable_event,
    is_searchable_member,
    is_searchable_opportunity,
    is_searchable_post_text,
    is_searchable_profile_field,
    is_searchable_reply,
    is_searchable_resource,
    is_searchable_thread,
    searchable_events_filter,
    searchable_members_filter,
    searchable_opportunities_filter,
    searchable_post_text_filter,
    searchable_resources_filter,
    searchable_threads_filter,
)
from app.resources.models import Resource, ResourceFile
from app.search.text import indexed_stems

KINDS = ("resource", "discussion", "event", "opportunity", "member", "group")
SYNC_KINDS = INDEXED_KINDS
CHUNK_CHARS = 2_000
MAX_CHUNKS = 300
# Highlighting marks matches with these; they are removed from indexed text so that a
# member cannot forge a highlight.
HIGHLIGHT_PRE = "\ue000"
HIGHLIGHT_POST = "\ue001"
_TAGS = re.compile(r"<[^>]+>")
_SENTINELS = str.maketrans("", "", HIGHLIGHT_PRE + HIGHLIGHT_POST)


STEMMED_FIELDS = ("title", "summary", "body", "file_text")


def clean(text: str | None) -> str:
    return (text or "").translate(_SENTINELS).strip()


def with_stems(
    document: dict[str, Any], fields: tuple[str, ...] = STEMMED_FIELDS
) -> dict[str, Any]:
    """The document with the stemmed shadow of each prose field it has (``title_stem`` for
    ``title``...), built-in acronyms spelled out: see app/search/text.py."""
    for name in fields:
        value = document.get(name)
        if isinstance(value, str) and value:
            document[f"{name}_stem"] = indexed_stems(value)
    return document


def searchable_title(text: str | None) -> str:
    """Titles without commas: Meilisearch matches a multi-word synonym as a phrase, and a
    comma inside it ("education, health and care plan") would break the phrase. The title
    shown (``heading``) keeps its punctuation."""
    return " ".join(clean(text).replace(",", " ").split())


def html_to_text(value: str | None) -> str:
    """Text of sanitized HTML (posts, event descriptions) for the index."""
    return clean(" ".join(html.unescape(_TAGS.sub(" ", value or "")).split()))


def timestamp(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value else None


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Pieces of about ``size`` characters, cut at whitespace."""
    pieces: list[str] = []
    text = clean(text)
    while text and len(pieces) < MAX_CHUNKS:
        if len(text) <= size:
            pieces.append(text)
            break
        cut = text.rfind(" ", size // 2, size)
        cut = size if cut == -1 else cut
        pieces.append(text[:cut].strip())
        text = text[cut:].strip()
    return [piece for piece in pieces if piece]


@dataclass
class Changes:
    """What to send to the index for a set of rows: documents to write, documents to delete
    by id, and deletions by filter (the chunks or replies beyond the current ones)."""

    upserts: list[dict[str, Any]] = field(default_factory=list)
    delete_ids: list[str] = field(default_factory=list)
    delete_filters: list[str] = field(default_factory=list)

    def extend(self, other: Changes) -> None:
        self.upserts += other.upserts
        self.delete_ids += other.delete_ids
        self.delete_filters += other.delete_filters


def quoted(value: str) -> str:
    """A Meilisearch filter string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- resources ---------------------------------------------------------------------------


def _resource_query() -> Any:
    return select(Resource).options(
        selectinload(Resource.topics),
        selectinload(Resource.organisation),
        selectinload(Resource.files).selectinload(ResourceFile.versions),
    )


def resource_changes(resource: Resource) -> Changes:
    parent = f"resource-{resource.id}"
    if not is_searchable_resource(resource):
        return Changes(delete_ids=[parent], delete_filters=[f"parent_id = {quoted(parent)}"])
    shared = {
        "parent_id": parent,
        "kind": "resource",
        "type": resource.type.value,
        "heading": clean(resource.title),
        "topics": [topic.name for topic in resource.topics],
        "organisation": resource.organisation.name if resource.organisation else None,
        "year": resource.publication_year,
        "date": timestamp(resource.created_at),
        "status": resource.status.value,
        "url": f"/resources/{resource.id}",
        "group_id": resource.group_id,
    }
    main = {
        **shared,
        "id": parent,
        "chunk": 0,
        "title": searchable_title(resource.title),
        "summary": clean(resource.summary),
        "body": clean(" ".join(filter(None, [resource.abstract, resource.audience]))),
        "authors": clean(resource.authors),
        "doi": clean(resource.doi),
    }
    texts = [
        resource_file.versions[0].extracted_text or ""
        for resource_file in resource.files
        if resource_file.versions
    ]
    pieces = [piece for text in texts for piece in chunks(text)][:MAX_CHUNKS]
    upserts = [with_stems(main)] + [
        with_stems(
            {**shared, "id": f"{parent}-chunk-{number}", "chunk": number, "file_text": piece}
        )
        for number, piece in enumerate(pieces, start=1)
    ]
    return Changes(
        upserts=upserts,
        delete_filters=[f"parent_id = {quoted(parent)} AND chunk > {len(pieces)}"],
    )


# --- discussions ---------------------------------------------------------------------------


def _thread_fields(thread: Thread) -> dict[str, Any]:
    return {
        "parent_id": f"thread-{thread.id}",
        "kind": "discussion",
        "type": "question" if thread.is_question else "discussion",
        "heading": clean(thread.title),
        "topics": [topic.name for topic in thread.topics],
        "status": "answered" if thread.accepted_post_id else "open",
        "group_id": thread.group_id,
    }


def thread_changes(thread: Thread, opening: Post | None, replies: list[Post] | None) -> Changes:
    """The thread's own document (title and opening post); with ``replies`` also every reply,
    for changes that touch them all (a move to another category, a new title)."""
    parent = f"thread-{thread.id}"
    if not is_searchable_thread(thread):
        return Changes(delete_filters=[f"parent_id = {quoted(parent)}"])
    visible_opening = opening is not None and is_searchable_post_text(opening)
    changes = Changes(
        upserts=[
            with_stems(
                {
                    **_thread_fields(thread),
                    "id": parent,
                    "title": searchable_title(thread.title),
                    "body": html_to_text(opening.body_html) if visible_opening and opening else "",
                    "date": timestamp(thread.created_at),
                    "url": f"/discussions/t/{thread.id}",
                }
            )
        ]
    )
    for reply in replies or []:
        changes.extend(post_changes(reply, thread))
    return changes


def post_changes(post: Post, thread: Thread) -> Changes:
    if post.number == 1:
        return thread_changes(thread, post, None)
    doc_id = f"post-{post.id}"
    if not is_searchable_reply(post, thread):
        return Changes(delete_ids=[doc_id])
    return Changes(
        upserts=[
            with_stems(
                {
                    **_thread_fields(thread),
                    "id": doc_id,
                    "body": html_to_text(post.body_html),
                    "date": timestamp(post.created_at),
                    "url": f"/discussions/p/{post.id}",
                }
            )
        ]
    )


# --- events, members, groups ---------------------------------------------------------------


def event_changes(event: Event) -> Changes:
    """Never the joining link; the place only when a member typed it (a venue), never
    words the portal adds (an online event has no place to index)."""
    if not is_searchable_event(event):
        return Changes(delete_ids=[f"event-{event.id}"])
    place = "" if event.online else clean(event.venue)
    return Changes(
        upserts=[
            with_stems(
                {
                    "id": f"event-{event.id}",
                    "parent_id": f"event-{event.id}",
                    "kind": "event",
                    "type": event.type.value,
                    "heading": clean(event.title),
                    "title": searchable_title(event.title),
                    "summary": place,
                    "body": html_to_text(event.description_html),
                    "topics": [],
                    "organisation": event.host_organisation.name
                    if event.host_organisation
                    else None,
                    "year": event.starts_at.year,
                    "date": timestamp(event.starts_at),
                    "status": event.status.value,
                    "url": f"/events/{event.id}",
                    "group_id": event.group_id,
                }
            )
        ]
    )


def opportunity_changes(opportunity: Opportunity) -> Changes:
    """Never the apply address: the page is where members apply, so clicks are counted."""
    doc_id = f"opportunity-{opportunity.id}"
    if not is_searchable_opportunity(opportunity):
        return Changes(delete_ids=[doc_id])
    document = {
        "id": doc_id,
        "parent_id": doc_id,
        "kind": "opportunity",
        "type": opportunity.kind.value,
        "heading": clean(opportunity.title),
        "title": searchable_title(opportunity.title),
        "summary": clean(" ".join(filter(None, [opportunity.team, opportunity.place]))),
        "body": html_to_text(opportunity.description_html),
        "topics": [opportunity.practice_area] if opportunity.practice_area else [],
        "organisation": opportunity.organisation.name,
        "year": opportunity.created_at.year,
        "date": timestamp(opportunity.created_at),
        "status": "open",
        "url": f"/opportunities/{opportunity.id}",
        "group_id": None,
    }
    return Changes(upserts=[with_stems(document)])


def member_changes(member: Member) -> Changes:
    """A member, with only the profile fields the policy lets search hold."""
    doc_id = f"member-{member.id}"
    if not is_searchable_member(member):
        return Changes(delete_ids=[doc_id])

    def shown(name: str, value: Any) -> Any:
        return value if is_searchable_profile_field(member, name) else None

    areas = shown("areas_of_practice", [topic.name for topic in member.areas_of_practice])
    return Changes(
        upserts=[
            with_stems(
                {
                    "id": doc_id,
                    "parent_id": doc_id,
                    "kind": "member",
                    "type": member.role.value,
                    "heading": clean(member.display_name),
                    "title": clean(member.display_name),
                    "summary": clean(
                        ", ".join(
                            filter(
                                None,
                                [shown("job_title", member.job_title), shown("team", member.team)],
                            )
                        )
                    ),
                    "body": clean(shown("bio", member.bio)),
                    "topics": areas or [],
                    "organisation": member.organisation.name if member.organisation else None,
                    "date": timestamp(member.joined_at),
                    "status": member.status.value,
                    "url": f"/members/{member.id}",
                    "group_id": None,
                },
                fields=("summary", "body"),  # a name is not stemmed
            )
        ]
    )


def group_changes(group: Group) -> Changes:
    doc_id = f"group-{group.id}"
    return Changes(
        upserts=[
            with_stems(
                {
                    "id": doc_id,
                    "parent_id": doc_id,
                    "kind": "group",
                    "type": group.kind.value,
                    "heading": clean(group.name),
                    "title": searchable_title(group.name),
                    "body": clean(group.description),
                    "topics": [],
                    "date": timestamp(group.created_at),
                    "url": f"/groups/{group.slug}",
                    "group_id": group_document_audience(group),
                }
            )
        ]
    )


# --- loading -----------------------------------------------------------------------------------


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

    for resources in pages(Resource, _resource_query().where(searchable_resources_filter()), 100):
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
