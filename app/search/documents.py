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
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

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
)
from app.resources.models import Resource
from app.search.text import indexed_stems

KINDS = ("resource", "discussion", "event", "opportunity", "member", "group")
SYNC_KINDS = INDEXED_KINDS
# Long enough that a typical file is one or two documents (each is a hit candidate and a
# set of facet entries), short enough that a snippet is cut from the part that matched.
CHUNK_CHARS = 4_000
MAX_CHUNKS = 150  # 600,000 characters of a resource's files
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
