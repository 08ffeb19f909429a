"""Visits and lists of threads: "new since your last visit", the list pages with unread
markers, the discussions overview and the home page's recent activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Select, and_, or_, select, update
from sqlalchemy.orm import Session, joinedload

from app.db import utcnow, write_after_reading
from app.discussions.models import CategoryFollow, DiscussionVisit, Thread, ThreadFollow, ThreadRead
from app.discussions.service._common import _upsert
from app.discussions.service.categories import CategoryListing, get_category, list_categories
from app.keyset import CappedCount, Cursor, KeysetPage, capped_count, capped_counts, keyset_page
from app.members.models import Member
from app.policy import listed_threads_filter
from app.topics.models import Topic

VISIT_GAP = timedelta(minutes=30)


ThreadView = Literal["all", "unanswered", "new", "following"]


def record_visit(db: Session, *, member: Member) -> datetime:
    """Note that ``member`` is looking at the discussions and return the start of "new since
    your last visit": the previous visit, one that ended more than VISIT_GAP ago."""
    now = utcnow()
    visit = db.get(DiscussionVisit, member.id)
    if visit is None:
        _upsert(
            db,
            DiscussionVisit,
            {"member_id": member.id, "previous_visit_at": None, "last_visit_at": now},
            ["member_id"],
            None,
        )
        return member.joined_at
    previous_visit_at = visit.previous_visit_at
    this_visit = update(DiscussionVisit).where(DiscussionVisit.member_id == member.id)
    if now - visit.last_visit_at > VISIT_GAP:
        previous_visit_at = visit.last_visit_at
        write_after_reading(
            db, this_visit.values(previous_visit_at=previous_visit_at, last_visit_at=now)
        )
    elif now - visit.last_visit_at > timedelta(minutes=1):
        write_after_reading(db, this_visit.values(last_visit_at=now), shown=False)
    return previous_visit_at or member.joined_at


@dataclass(frozen=True)
class ThreadListing:
    thread: Thread
    unread: Literal["new", "new_replies", "read"]
    new_replies: int


def _with_list_loads(query: Select[Any]) -> Select[Any]:
    return query.options(
        joinedload(Thread.category),
        joinedload(Thread.author).joinedload(Member.organisation),
    )


def list_threads(
    db: Session,
    *,
    viewer: Member,
    since: datetime,
    view: ThreadView = "all",
    category_id: str | None = None,
    topic_slug: str | None = None,
    cursor: Cursor | None,
    limit: int,
) -> tuple[list[ThreadListing], CappedCount, KeysetPage[Any]]:
    """A page of threads the viewer may see, newest activity first (a category's pinned
    threads first), with their unread markers. ``since`` is the viewer's previous visit
    (record_visit)."""
    conditions = [listed_threads_filter(viewer, Thread)]
    if category_id is not None:
        conditions.append(Thread.category_id == category_id)
    if topic_slug:
        conditions.append(
            Thread.topics.any(Topic.slug == topic_slug)  # type: ignore[arg-type]
        )
    if view == "unanswered":
        conditions += [Thread.is_question, Thread.accepted_post_id.is_(None)]
    elif view == "new":
        conditions.append(Thread.last_post_at > since)
    elif view == "following":
        conditions.append(
            or_(
                Thread.id.in_(
                    select(ThreadFollow.thread_id).where(ThreadFollow.member_id == viewer.id)
                ),
                Thread.category_id.in_(
                    select(CategoryFollow.category_id).where(CategoryFollow.member_id == viewer.id)
                ),
            )
        )
    total = capped_count(db, select(Thread.id).where(*conditions))
    keys = (
        [Thread.is_pinned, Thread.last_post_at, Thread.id]
        if category_id is not None and view == "all"
        else [Thread.last_post_at, Thread.id]
    )
    page = keyset_page(
        db,
        _with_list_loads(
            select(Thread, ThreadRead.last_read_number)
            .outerjoin(
                ThreadRead,
                and_(ThreadRead.thread_id == Thread.id, ThreadRead.member_id == viewer.id),
            )
            .where(*conditions)
        ),
        keys=keys,
        descending=True,
        cursor=cursor,
        limit=limit,
    )
    listings = [_listing(thread, last_read, since) for thread, last_read in page.items]
    return listings, total, page


def _listing(thread: Thread, last_read: int | None, since: datetime) -> ThreadListing:
    if last_read is None:
        unread = "new" if thread.last_post_at > since else "read"
        return ThreadListing(thread, unread, 0)
    new_replies = max(0, thread.last_post_number - last_read)
    return ThreadListing(thread, "new_replies" if new_replies else "read", new_replies)


@dataclass(frozen=True)
class ThreadBrowse:
    threads: list[ThreadListing]
    total: CappedCount
    since: datetime
    category: CategoryListing | None
    page: KeysetPage[Any]


def browse_threads(
    db: Session,
    *,
    viewer: Member,
    view: ThreadView = "all",
    category_slug: str | None = None,
    topic_slug: str | None = None,
    cursor: Cursor | None,
    limit: int,
) -> ThreadBrowse:
    """A list page: records the visit, then lists (a category's) threads."""
    category = get_category(db, viewer=viewer, slug=category_slug) if category_slug else None
    since = record_visit(db, member=viewer)
    threads, total, page = list_threads(
        db,
        viewer=viewer,
        since=since,
        view=view,
        category_id=category.category.id if category else None,
        topic_slug=topic_slug,
        cursor=cursor,
        limit=limit,
    )
    return ThreadBrowse(threads, total, since, category, page)


@dataclass(frozen=True)
class Overview:
    categories: list[CategoryListing]
    since: datetime
    new_count: CappedCount
    unanswered_count: CappedCount


def overview(db: Session, *, viewer: Member) -> Overview:
    since = record_visit(db, member=viewer)
    visible = listed_threads_filter(viewer, Thread)
    new_count, unanswered = capped_counts(
        db,
        select(Thread.id).where(visible, Thread.last_post_at > since),
        select(Thread.id).where(visible, Thread.is_question, Thread.accepted_post_id.is_(None)),
    )
    categories = list_categories(db, viewer=viewer, joined_groups_only=True)
    return Overview(categories, since, new_count, unanswered)


def recent_activity(db: Session, *, viewer: Member, limit: int = 5) -> list[Thread]:
    """The threads the viewer may see with the newest posts, for the home page."""
    return list(
        db.execute(
            _with_list_loads(select(Thread).where(listed_threads_filter(viewer, Thread)))
            .order_by(Thread.last_post_at.desc(), Thread.id)
            .limit(limit)
        ).scalars()
    )
