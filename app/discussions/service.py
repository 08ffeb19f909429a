"""Rules about discussions: starting threads, replying, editing, reactions, accepted answers,
following, read markers and moderation. Services flush; the request commits.

Who may see and do what is asked of app.policy; every list filters with its SQL twin.
Before a thread or post is saved its text goes through the anonymisation guard
(app/guard): findings stop the save with PassagesFound unless the author chose
to post anyway, which is recorded on the post and in the audit log.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.audit import service as audit
from app.db import utcnow
from app.discussions.markdown import quote_markdown, render_markdown
from app.discussions.models import (
    Category,
    CategoryFollow,
    DiscussionVisit,
    Post,
    PostRevision,
    Reaction,
    ReactionKind,
    Thread,
    ThreadFollow,
    ThreadRead,
)
from app.discussions.schemas import CategoryWrite, PostCreate, PostUpdate, ThreadCreate
from app.errors import Forbidden, InvalidAction, InvalidInput, NotFound
from app.guard.service import (
    GuardFinding,
    apply_guard,
    guard_findings,
    record_override,
)
from app.members.handles import new_mentions
from app.members.models import Member, MemberStatus
from app.members.reference_data import slugify
from app.notifications.kinds import NotificationKind
from app.notifications.service import notify, notify_reaction
from app.policy import (
    check_accept_answer_permission,
    check_delete_post_permission,
    check_edit_post_permission,
    check_manage_categories_permission,
    check_moderate_discussions_permission,
    check_react_permission,
    check_reply_permission,
    check_start_thread_permission,
    check_view_category_permission,
    check_view_post_history_permission,
    check_view_thread_permission,
    listed_threads_filter,
    may_see_post_body,
    visible_categories_filter,
)
from app.policy.discussions import may_moderate_discussions
from app.policy.notifications import may_be_told_about_thread
from app.search.sync import enqueue_sync
from app.topics.models import Topic

POSTS_PER_PAGE = 25
VISIT_GAP = timedelta(minutes=30)
ThreadView = Literal["all", "unanswered", "new", "following"]


# --- previewing through the anonymisation guard -----------------------------------------------


@dataclass(frozen=True)
class Preview:
    html: str
    findings: list[GuardFinding]


def preview(*, body: str, title: str | None = None) -> Preview:
    """What a post would look like, and what the guard finds in it; nothing is saved."""
    return Preview(html=render_markdown(body), findings=guard_findings(body=body, title=title))


# --- loading, with visibility ----------------------------------------------------------------


def _thread_label(thread: Thread) -> str:
    return f"Thread “{thread.title}”"[:200]


def _load_thread(
    db: Session, viewer: Member, thread_id: str, *, for_update: bool = False
) -> Thread:
    query = select(Thread).where(Thread.id == thread_id)
    if for_update:
        query = query.with_for_update()
    thread = db.execute(query).scalar_one_or_none()
    if thread is None:
        raise NotFound("There is no such thread.")
    check_view_thread_permission(viewer, thread)
    return thread


def _load_post(db: Session, viewer: Member, post_id: str) -> tuple[Post, Thread]:
    row = db.execute(
        select(Post, Thread)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.id == post_id)
        .options(joinedload(Post.author))
    ).one_or_none()
    if row is None:
        raise NotFound("There is no such post.")
    post, thread = row
    check_view_thread_permission(viewer, thread)
    return post, thread


def _topics_for(db: Session, slugs: list[str]) -> list[Topic]:
    wanted = sorted(set(slugs))
    if not wanted:
        return []
    topics = list(db.execute(select(Topic).where(Topic.slug.in_(wanted))).scalars())
    unknown = sorted(set(wanted) - {topic.slug for topic in topics})
    if unknown:
        raise InvalidInput({"topics": f"Unknown topic: {', '.join(unknown)}"})
    return topics


def _upsert(
    db: Session,
    model: type[Any],
    values: dict[str, Any],
    keys: list[str],
    update: Callable[[Any], dict[str, Any]] | None,
) -> None:
    """INSERT … ON CONFLICT on PostgreSQL and SQLite alike, so that two tabs or two
    requests at once never fail on a primary key."""
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(model).values(**values)
    if update is None:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    else:
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_=update(statement.excluded)
        )
    db.execute(statement)


def _follow_thread(db: Session, member: Member, thread_id: str) -> None:
    _upsert(
        db,
        ThreadFollow,
        {"member_id": member.id, "thread_id": thread_id, "created_at": utcnow()},
        ["member_id", "thread_id"],
        None,
    )


def _mark_read(db: Session, member: Member, thread_id: str, number: int) -> None:
    now = utcnow()
    table = ThreadRead.__table__

    def update(excluded: Any) -> dict[str, Any]:
        return {
            "last_read_number": case(
                (excluded.last_read_number > table.c.last_read_number, excluded.last_read_number),
                else_=table.c.last_read_number,
            ),
            "read_at": excluded.read_at,
        }

    _upsert(
        db,
        ThreadRead,
        {
            "member_id": member.id,
            "thread_id": thread_id,
            "last_read_number": number,
            "read_at": now,
        },
        ["member_id", "thread_id"],
        update,
    )


# --- categories ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryListing:
    category: Category
    thread_count: int
    last_post_at: datetime | None
    following: bool


def _visible_category(
    db: Session, viewer: Member, *, slug: str | None = None, id: str | None = None
) -> Category:
    query = select(Category).options(selectinload(Category.topics))
    query = (
        query.where(Category.slug == slug) if slug is not None else query.where(Category.id == id)
    )
    category = db.execute(query).scalar_one_or_none()
    if category is None:
        raise NotFound("There is no such category.")
    check_view_category_permission(viewer, category.group_id)
    return category


def get_category(db: Session, *, viewer: Member, slug: str) -> CategoryListing:
    category = _visible_category(db, viewer, slug=slug)
    following = db.get(CategoryFollow, (viewer.id, category.id)) is not None
    return CategoryListing(category, 0, None, following)


def list_categories(db: Session, *, viewer: Member) -> list[CategoryListing]:
    categories = list(
        db.execute(
            select(Category)
            .where(visible_categories_filter(viewer, Category))
            .options(selectinload(Category.topics))
            .order_by(Category.position, Category.name)
        ).scalars()
    )
    stats = {
        category_id: (count, last)
        for category_id, count, last in db.execute(
            select(Thread.category_id, func.count(), func.max(Thread.last_post_at))
            .where(listed_threads_filter(viewer, Thread))
            .group_by(Thread.category_id)
        )
    }
    followed = set(
        db.execute(
            select(CategoryFollow.category_id).where(CategoryFollow.member_id == viewer.id)
        ).scalars()
    )
    return [
        CategoryListing(
            category,
            stats.get(category.id, (0, None))[0],
            stats.get(category.id, (0, None))[1],
            category.id in followed,
        )
        for category in categories
    ]


def category_choices(db: Session, *, viewer: Member) -> list[Category]:
    return list(
        db.execute(
            select(Category)
            .where(visible_categories_filter(viewer, Category))
            .options(selectinload(Category.topics))
            .order_by(Category.position, Category.name)
        ).scalars()
    )


def all_topics(db: Session) -> list[Topic]:
    return list(db.execute(select(Topic).order_by(Topic.name)).scalars())


def create_category(db: Session, *, actor: Member, data: CategoryWrite) -> Category:
    check_manage_categories_permission(actor)
    slug = slugify(data.name)[:80]
    clash = db.execute(
        select(Category.id).where(or_(Category.name == data.name, Category.slug == slug))
    ).first()
    if clash is not None or not slug:
        raise InvalidInput({"name": "There is already a category with that name."})
    category = Category(
        name=data.name,
        slug=slug,
        description=data.description,
        position=data.position,
        topics=_topics_for(db, data.topics),
    )
    db.add(category)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="category_created",
        subject=None,
        subject_label=f"Category “{category.name}”",
        after={"name": category.name, "position": category.position},
    )
    return category


def update_category(
    db: Session, *, actor: Member, category_id: str, data: CategoryWrite
) -> Category:
    check_manage_categories_permission(actor)
    category = db.execute(
        select(Category).where(Category.id == category_id).options(selectinload(Category.topics))
    ).scalar_one_or_none()
    if category is None:
        raise NotFound("There is no such category.")
    clash = db.execute(
        select(Category.id).where(Category.name == data.name, Category.id != category.id)
    ).first()
    if clash is not None:
        raise InvalidInput({"name": "There is already a category with that name."})
    before = {
        "name": category.name,
        "description": category.description,
        "position": category.position,
    }
    category.name = data.name
    category.description = data.description
    category.position = data.position
    category.topics = _topics_for(db, data.topics)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="category_changed",
        subject=None,
        subject_label=f"Category “{category.name}”",
        before=before,
        after={
            "name": category.name,
            "description": category.description,
            "position": category.position,
        },
    )
    return category


def manageable_categories(db: Session, *, actor: Member) -> list[Category]:
    check_manage_categories_permission(actor)
    return list(
        db.execute(
            select(Category)
            .options(selectinload(Category.topics))
            .order_by(Category.position, Category.name)
        ).scalars()
    )


def follow_category(db: Session, *, actor: Member, category_id: str, follow: bool) -> Category:
    category = _visible_category(db, actor, id=category_id)
    if follow:
        _upsert(
            db,
            CategoryFollow,
            {"member_id": actor.id, "category_id": category.id, "created_at": utcnow()},
            ["member_id", "category_id"],
            None,
        )
    else:
        existing = db.get(CategoryFollow, (actor.id, category.id))
        if existing is not None:
            db.delete(existing)
    db.flush()
    return category


# --- visits and lists of threads -------------------------------------------------------------


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
    if now - visit.last_visit_at > VISIT_GAP:
        visit.previous_visit_at = visit.last_visit_at
        visit.last_visit_at = now
    elif now - visit.last_visit_at > timedelta(minutes=1):
        visit.last_visit_at = now
    db.flush()
    return visit.previous_visit_at or member.joined_at


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
    offset: int,
    limit: int,
) -> tuple[list[ThreadListing], int]:
    """A page of threads the viewer may see, with their unread markers. ``since`` is the
    viewer's previous visit (record_visit)."""
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
    total = db.execute(select(func.count()).select_from(Thread).where(*conditions)).scalar_one()
    order = (
        [Thread.is_pinned.desc(), Thread.last_post_at.desc(), Thread.id]
        if category_id is not None and view == "all"
        else [Thread.last_post_at.desc(), Thread.id]
    )
    rows = db.execute(
        _with_list_loads(
            select(Thread, ThreadRead.last_read_number)
            .outerjoin(
                ThreadRead,
                and_(ThreadRead.thread_id == Thread.id, ThreadRead.member_id == viewer.id),
            )
            .where(*conditions)
        )
        .order_by(*order)
        .offset(offset)
        .limit(limit)
    ).all()
    return [_listing(thread, last_read, since) for thread, last_read in rows], total


def _listing(thread: Thread, last_read: int | None, since: datetime) -> ThreadListing:
    if last_read is None:
        unread = "new" if thread.last_post_at > since else "read"
        return ThreadListing(thread, unread, 0)
    new_replies = max(0, thread.last_post_number - last_read)
    return ThreadListing(thread, "new_replies" if new_replies else "read", new_replies)


@dataclass(frozen=True)
class ThreadBrowse:
    threads: list[ThreadListing]
    total: int
    since: datetime
    category: CategoryListing | None


def browse_threads(
    db: Session,
    *,
    viewer: Member,
    view: ThreadView = "all",
    category_slug: str | None = None,
    topic_slug: str | None = None,
    offset: int,
    limit: int,
) -> ThreadBrowse:
    """A list page: records the visit, then lists (a category's) threads."""
    category = get_category(db, viewer=viewer, slug=category_slug) if category_slug else None
    since = record_visit(db, member=viewer)
    threads, total = list_threads(
        db,
        viewer=viewer,
        since=since,
        view=view,
        category_id=category.category.id if category else None,
        topic_slug=topic_slug,
        offset=offset,
        limit=limit,
    )
    return ThreadBrowse(threads, total, since, category)


@dataclass(frozen=True)
class Overview:
    categories: list[CategoryListing]
    since: datetime
    new_count: int
    unanswered_count: int


def overview(db: Session, *, viewer: Member) -> Overview:
    since = record_visit(db, member=viewer)
    visible = listed_threads_filter(viewer, Thread)
    new_count = db.execute(
        select(func.count()).select_from(Thread).where(visible, Thread.last_post_at > since)
    ).scalar_one()
    unanswered = db.execute(
        select(func.count())
        .select_from(Thread)
        .where(visible, Thread.is_question, Thread.accepted_post_id.is_(None))
    ).scalar_one()
    return Overview(list_categories(db, viewer=viewer), since, new_count, unanswered)


def recent_activity(db: Session, *, viewer: Member, limit: int = 5) -> list[Thread]:
    """The threads the viewer may see with the newest posts, for the home page."""
    return list(
        db.execute(
            _with_list_loads(select(Thread).where(listed_threads_filter(viewer, Thread)))
            .order_by(Thread.last_post_at.desc(), Thread.id)
            .limit(limit)
        ).scalars()
    )


# --- writing ---------------------------------------------------------------------------------


def _mentioned_members(db: Session, body: str, previous: str | None = None) -> list[Member]:
    """Members newly @mentioned in ``body``; an unknown handle stops the save."""
    handles = new_mentions(body, previous)
    if not handles:
        return []
    found = {
        member.handle: member
        for member in db.execute(select(Member).where(Member.handle.in_(handles))).scalars()
    }
    unknown = [handle for handle in handles if handle not in found]
    if unknown:
        names = ", ".join(f"@{handle}" for handle in unknown)
        raise InvalidInput(
            {
                "body": f"No member is called {names}. Check the name in the member "
                "directory, or remove the @ if you did not mean to mention anyone."
            }
        )
    return [found[handle] for handle in handles]


def _tell_about_post(
    db: Session,
    members: Iterable[Member],
    *,
    kind: NotificationKind,
    actor: Member,
    thread: Thread,
    post: Post,
    told: set[str],
) -> None:
    """Tell each active member who may see the thread and was not told already (``told``
    grows), so a mentioned follower hears once, as a mention; anyone else hears nothing."""
    for member in members:
        if member.id in told or member.status != MemberStatus.ACTIVE:
            continue
        if not may_be_told_about_thread(member, thread):
            continue
        notify(
            db,
            member_id=member.id,
            kind=kind,
            subject_type="post",
            subject_id=post.id,
            actor_id=actor.id,
        )
        told.add(member.id)


def _notify_about_post(
    db: Session,
    *,
    actor: Member,
    thread: Thread,
    post: Post,
    mentioned: list[Member],
    followers: Select[tuple[Member]] | None = None,
    followers_kind: NotificationKind = NotificationKind.REPLY,
) -> None:
    """Mentions first, then (for a reply, the thread's followers; for a new thread, the
    category's) the ``followers``."""
    told = {actor.id}
    _tell_about_post(
        db,
        mentioned,
        kind=NotificationKind.MENTION,
        actor=actor,
        thread=thread,
        post=post,
        told=told,
    )
    if followers is not None:
        _tell_about_post(
            db,
            db.execute(followers).scalars(),
            kind=followers_kind,
            actor=actor,
            thread=thread,
            post=post,
            told=told,
        )


def _thread_followers(thread: Thread) -> Select[tuple[Member]]:
    return (
        select(Member)
        .join(ThreadFollow, ThreadFollow.member_id == Member.id)
        .where(ThreadFollow.thread_id == thread.id)
    )


def _category_followers(thread: Thread) -> Select[tuple[Member]]:
    return (
        select(Member)
        .join(CategoryFollow, CategoryFollow.member_id == Member.id)
        .where(CategoryFollow.category_id == thread.category_id)
    )


def start_thread(db: Session, *, actor: Member, data: ThreadCreate) -> Thread:
    category = db.execute(
        select(Category).where(Category.id == data.category_id)
    ).scalar_one_or_none()
    if category is None:
        raise InvalidInput({"category_id": "Choose a category for your thread."})
    try:
        check_start_thread_permission(actor, category)
    except NotFound:
        raise InvalidInput({"category_id": "Choose a category for your thread."}) from None
    topics = _topics_for(db, data.topics)
    override = apply_guard(body=data.body, title=data.title, post_anyway=data.post_anyway)
    mentioned = _mentioned_members(db, data.body)
    now = utcnow()
    thread = Thread(
        category_id=category.id,
        author_id=actor.id,
        title=data.title,
        group_id=category.group_id,
        is_question=data.is_question,
        topics=topics,
        last_post_number=1,
        reply_count=0,
        created_at=now,
        last_post_at=now,
    )
    db.add(thread)
    db.flush()
    opening = Post(
        thread_id=thread.id,
        number=1,
        author_id=actor.id,
        body_markdown=data.body,
        body_html=render_markdown(data.body),
        created_at=now,
        guard_override=override,
    )
    db.add(opening)
    db.flush()
    _follow_thread(db, actor, thread.id)
    _mark_read(db, actor, thread.id, 1)
    _notify_about_post(
        db,
        actor=actor,
        thread=thread,
        post=opening,
        mentioned=mentioned,
        followers=_category_followers(thread),
        followers_kind=NotificationKind.NEW_THREAD,
    )
    enqueue_sync(db, kind="thread", id=thread.id)
    record_override(db, actor=actor, subject_label=_thread_label(thread), override=override)
    return thread


def reply(db: Session, *, actor: Member, thread_id: str, data: PostCreate) -> Post:
    thread = _load_thread(db, actor, thread_id, for_update=True)
    check_reply_permission(actor, thread)
    override = apply_guard(body=data.body, title=None, post_anyway=data.post_anyway)
    mentioned = _mentioned_members(db, data.body)
    now = utcnow()
    number = thread.last_post_number + 1
    post = Post(
        thread_id=thread.id,
        number=number,
        author_id=actor.id,
        body_markdown=data.body,
        body_html=render_markdown(data.body),
        created_at=now,
        guard_override=override,
    )
    db.add(post)
    thread.last_post_number = number
    thread.reply_count += 1
    thread.last_post_at = now
    db.flush()
    _notify_about_post(
        db,
        actor=actor,
        thread=thread,
        post=post,
        mentioned=mentioned,
        followers=_thread_followers(thread),
    )
    _follow_thread(db, actor, thread.id)
    _mark_read(db, actor, thread.id, number)
    enqueue_sync(db, kind="post", id=post.id)
    record_override(db, actor=actor, subject_label=_thread_label(thread), override=override)
    return post


def edit_post(db: Session, *, actor: Member, post_id: str, data: PostUpdate) -> Post:
    post, thread = _load_post(db, actor, post_id)
    check_edit_post_permission(actor, thread, post)
    if data.title is not None and post.number != 1:
        raise InvalidInput({"title": "Only the opening post carries the thread's title."})
    new_title = data.title if post.number == 1 and data.title is not None else thread.title
    if new_title == thread.title and data.body == post.body_markdown:
        return post
    override = apply_guard(
        body=data.body,
        title=new_title if post.number == 1 else None,
        post_anyway=data.post_anyway,
    )
    mentioned = _mentioned_members(db, data.body, previous=post.body_markdown)
    now = utcnow()
    db.add(
        PostRevision(
            post_id=post.id,
            title=thread.title if post.number == 1 else None,
            body_markdown=post.body_markdown,
            written_at=post.edited_at or post.created_at,
            replaced_at=now,
            replaced_by_id=actor.id,
        )
    )
    post.body_markdown = data.body
    post.body_html = render_markdown(data.body)
    post.edited_at = now
    post.edit_count += 1
    post.guard_override = override
    thread.title = new_title
    db.flush()
    _notify_about_post(db, actor=actor, thread=thread, post=post, mentioned=mentioned)
    if post.number == 1:
        enqueue_sync(db, kind="thread", id=thread.id)
    else:
        enqueue_sync(db, kind="post", id=post.id)
    record_override(db, actor=actor, subject_label=_thread_label(thread), override=override)
    if post.author_id != actor.id:
        audit.record(
            db,
            actor=actor,
            action="post_edited_by_moderator",
            subject=post.author,
            subject_label=f"Post {post.number} in {_thread_label(thread)}"[:200],
        )
    return post


@dataclass(frozen=True)
class PostHistory:
    post: Post
    thread: Thread
    revisions: list[PostRevision]


def post_history(db: Session, *, viewer: Member, post_id: str) -> PostHistory:
    post, thread = _load_post(db, viewer, post_id)
    check_view_post_history_permission(viewer, thread, post)
    revisions = list(
        db.execute(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .options(joinedload(PostRevision.replaced_by))
            .order_by(PostRevision.replaced_at.desc(), PostRevision.id.desc())
        ).scalars()
    )
    return PostHistory(post, thread, revisions)


def delete_post(db: Session, *, actor: Member, post_id: str, reason: str | None = None) -> Post:
    """Soft delete. Deleting the opening post deletes the whole thread."""
    post, thread = _load_post(db, actor, post_id)
    check_delete_post_permission(actor, thread, post)
    if post.number == 1:
        _delete_thread(db, actor, thread, post.author, reason)
        return post
    post.deleted_at = utcnow()
    post.deleted_by_id = actor.id
    thread.reply_count = max(0, thread.reply_count - 1)
    before_accepted = thread.accepted_post_id
    if thread.accepted_post_id == post.id:
        thread.accepted_post_id = None
    db.flush()
    enqueue_sync(db, kind="post", id=post.id)
    if post.author_id != actor.id:
        audit.record(
            db,
            actor=actor,
            action="post_deleted",
            subject=post.author,
            subject_label=f"Post {post.number} in {_thread_label(thread)}"[:200],
            reason=reason,
            before={"accepted_post_id": before_accepted} if before_accepted == post.id else {},
        )
    return post


def _delete_thread(
    db: Session, actor: Member, thread: Thread, author: Member | None, reason: str | None
) -> None:
    if thread.deleted_at is not None:
        raise InvalidAction("This thread is already deleted.")
    thread.deleted_at = utcnow()
    thread.deleted_by_id = actor.id
    db.flush()
    enqueue_sync(db, kind="thread", id=thread.id)
    if thread.author_id != actor.id:
        audit.record(
            db,
            actor=actor,
            action="thread_deleted",
            subject=author,
            subject_label=_thread_label(thread),
            reason=reason,
        )


def _moderated_thread(db: Session, actor: Member, thread_id: str) -> Thread:
    thread = _load_thread(db, actor, thread_id)
    check_moderate_discussions_permission(actor, thread)
    return thread


def _moderation_entry(
    db: Session,
    actor: Member,
    action: str,
    thread: Thread,
    *,
    subject: Member | None = None,
    label: str | None = None,
    reason: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    db.flush()
    audit.record(
        db,
        actor=actor,
        action=action,
        subject=subject,
        subject_label=(label or _thread_label(thread))[:200],
        reason=reason,
        before=before,
        after=after,
    )


def restore_thread(
    db: Session, *, actor: Member, thread_id: str, reason: str | None = None
) -> Thread:
    thread = _moderated_thread(db, actor, thread_id)
    if thread.deleted_at is None:
        raise InvalidAction("This thread is not deleted.")
    thread.deleted_at = None
    thread.deleted_by_id = None
    enqueue_sync(db, kind="thread", id=thread.id)
    _moderation_entry(db, actor, "thread_restored", thread, reason=reason)
    return thread


def pin_thread(
    db: Session, *, actor: Member, thread_id: str, pinned: bool, reason: str | None = None
) -> Thread:
    thread = _moderated_thread(db, actor, thread_id)
    if thread.is_pinned == pinned:
        raise InvalidAction(f"This thread is {'already' if pinned else 'not'} pinned.")
    thread.is_pinned = pinned
    _moderation_entry(
        db,
        actor,
        "thread_pinned" if pinned else "thread_unpinned",
        thread,
        reason=reason,
        before={"is_pinned": not pinned},
        after={"is_pinned": pinned},
    )
    return thread


def _required_reason(reason: str | None, what: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise InvalidInput({"reason": f"Give a reason for {what}; members will see it."})
    if len(cleaned) > 1000:
        raise InvalidInput({"reason": "Keep the reason under 1000 characters."})
    return cleaned


def lock_thread(db: Session, *, actor: Member, thread_id: str, reason: str | None) -> Thread:
    thread = _moderated_thread(db, actor, thread_id)
    cleaned = _required_reason(reason, "locking the thread")
    if thread.is_locked:
        raise InvalidAction("This thread is already locked.")
    thread.lock_reason = cleaned
    thread.locked_at = utcnow()
    _moderation_entry(db, actor, "thread_locked", thread, reason=cleaned, after={"locked": True})
    return thread


def unlock_thread(
    db: Session, *, actor: Member, thread_id: str, reason: str | None = None
) -> Thread:
    thread = _moderated_thread(db, actor, thread_id)
    if not thread.is_locked:
        raise InvalidAction("This thread is not locked.")
    before = {"lock_reason": thread.lock_reason}
    thread.lock_reason = None
    thread.locked_at = None
    _moderation_entry(db, actor, "thread_unlocked", thread, reason=reason, before=before)
    return thread


def move_thread(
    db: Session, *, actor: Member, thread_id: str, category_id: str, reason: str | None = None
) -> Thread:
    thread = _moderated_thread(db, actor, thread_id)
    target = db.get(Category, category_id)
    if target is None:
        raise InvalidInput({"category_id": "Choose the category to move the thread to."})
    if target.id == thread.category_id:
        raise InvalidAction(f"The thread is already in {target.name}.")
    before = {"category_id": thread.category_id}
    thread.category_id = target.id
    thread.group_id = target.group_id
    enqueue_sync(db, kind="thread", id=thread.id)
    _moderation_entry(
        db,
        actor,
        "thread_moved",
        thread,
        reason=reason,
        before=before,
        after={"category_id": target.id, "category": target.name},
    )
    return thread


def _moderated_post(db: Session, actor: Member, post_id: str) -> tuple[Post, Thread]:
    post, thread = _load_post(db, actor, post_id)
    check_moderate_discussions_permission(actor, thread)
    return post, thread


def hide_post(db: Session, *, actor: Member, post_id: str, reason: str | None) -> Post:
    post, thread = _moderated_post(db, actor, post_id)
    cleaned = _required_reason(reason, "hiding the post")
    if post.is_hidden:
        raise InvalidAction("This post is already hidden.")
    post.hidden_reason = cleaned
    post.hidden_at = utcnow()
    post.hidden_by_id = actor.id
    enqueue_sync(db, kind="post", id=post.id)
    before = {}
    if thread.accepted_post_id == post.id:
        thread.accepted_post_id = None
        before = {"accepted_post_id": post.id}
    _moderation_entry(
        db,
        actor,
        "post_hidden",
        thread,
        subject=post.author,
        label=f"Post {post.number} in {_thread_label(thread)}",
        reason=cleaned,
        before=before,
    )
    return post


def restore_post(db: Session, *, actor: Member, post_id: str, reason: str | None = None) -> Post:
    """Undo hiding or deleting a post (a deleted opening post: restore the thread)."""
    post, thread = _moderated_post(db, actor, post_id)
    if not post.is_hidden and not post.is_deleted:
        raise InvalidAction("This post is neither hidden nor deleted.")
    before = {"hidden_reason": post.hidden_reason, "deleted": post.is_deleted}
    if post.is_deleted:
        thread.reply_count += 1
    post.hidden_reason = post.hidden_at = post.hidden_by_id = None
    post.deleted_at = post.deleted_by_id = None
    enqueue_sync(db, kind="post", id=post.id)
    _moderation_entry(
        db,
        actor,
        "post_restored",
        thread,
        subject=post.author,
        label=f"Post {post.number} in {_thread_label(thread)}",
        reason=reason,
        before=before,
    )
    return post


def react(db: Session, *, actor: Member, post_id: str, kind: str, on: bool = True) -> Post:
    try:
        reaction_kind = ReactionKind(kind)
    except ValueError:
        raise InvalidInput({"kind": "Choose helpful or thanks."}) from None
    post, thread = _load_post(db, actor, post_id)
    check_react_permission(actor, thread, post)
    existing = db.get(Reaction, (post.id, actor.id, reaction_kind.value))
    word = "helpful" if reaction_kind == ReactionKind.HELPFUL else "thanked"
    if on:
        if existing is not None:
            raise InvalidAction(
                f"You have already marked this post as {word}; each member can once."
                if reaction_kind == ReactionKind.HELPFUL
                else "You have already thanked the author for this post."
            )
        db.add(Reaction(post_id=post.id, member_id=actor.id, kind=reaction_kind.value))
        if post.author_id is not None:
            notify_reaction(
                db,
                member_id=post.author_id,
                actor_id=actor.id,
                post_id=post.id,
                reaction=reaction_kind.value,
            )
    else:
        if existing is None:
            raise InvalidAction(f"You had not marked this post as {word}.")
        db.delete(existing)
    db.flush()
    return post


def accept_answer(db: Session, *, actor: Member, thread_id: str, post_id: str | None) -> Thread:
    """Mark one reply as the accepted answer, or (post_id None) withdraw it."""
    thread = _load_thread(db, actor, thread_id)
    check_accept_answer_permission(actor, thread)
    before = {"accepted_post_id": thread.accepted_post_id}
    if post_id is None:
        if thread.accepted_post_id is None:
            raise InvalidAction("This question has no accepted answer.")
        thread.accepted_post_id = None
    else:
        post = db.get(Post, post_id)
        if post is None or post.thread_id != thread.id:
            raise InvalidInput({"post_id": "That post is not a reply in this thread."})
        if post.number == 1:
            raise InvalidAction("The question itself cannot be its answer.")
        if post.is_hidden or post.is_deleted:
            raise InvalidAction("A hidden or deleted post cannot be the accepted answer.")
        if thread.accepted_post_id == post.id:
            raise InvalidAction("This reply is already the accepted answer.")
        thread.accepted_post_id = post.id
        if post.author_id is not None:
            notify(
                db,
                member_id=post.author_id,
                kind=NotificationKind.ANSWER_ACCEPTED,
                subject_type="post",
                subject_id=post.id,
                actor_id=actor.id,
                dedupe_key=f"accepted:{post.id}",
            )
    db.flush()
    enqueue_sync(db, kind="thread", id=thread.id)
    if thread.author_id != actor.id:
        _moderation_entry(
            db,
            actor,
            "answer_accepted" if post_id else "answer_withdrawn",
            thread,
            before=before,
            after={"accepted_post_id": thread.accepted_post_id},
        )
    return thread


def follow_thread(db: Session, *, actor: Member, thread_id: str, follow: bool) -> Thread:
    thread = _load_thread(db, actor, thread_id)
    if follow:
        _follow_thread(db, actor, thread.id)
    else:
        existing = db.get(ThreadFollow, (actor.id, thread.id))
        if existing is not None:
            db.delete(existing)
    db.flush()
    return thread


def quote(db: Session, *, viewer: Member, post_id: str, part: str | None = None) -> str:
    """Markdown quoting a post, or only ``part`` of it, for a reply. Only text the post
    really holds can be quoted, so a quote cannot put words in someone's mouth."""
    post, _thread = _load_post(db, viewer, post_id)
    if not may_see_post_body(viewer, post) or post.is_hidden or post.is_deleted:
        raise InvalidAction("A hidden or deleted post cannot be quoted.")
    text = post.body_markdown
    if part is not None and part.strip():
        wanted = part.replace("\r\n", "\n").strip()
        if wanted not in text:
            raise InvalidInput({"part": "Quote only text that is in the post."})
        text = wanted
    name = post.author.display_name if post.author else "A former member"
    return quote_markdown(text, name)


# --- reading a thread ------------------------------------------------------------------------


@dataclass(frozen=True)
class PostView:
    post: Post
    show_body: bool
    is_accepted: bool
    helpful: int
    thanks: int
    mine: frozenset[str]
    may_edit: bool
    may_delete: bool
    may_see_history: bool
    may_react: bool


@dataclass(frozen=True)
class ThreadPage:
    thread: Thread
    posts: list[PostView]
    accepted: PostView | None
    number: int
    pages: int
    following: bool
    may_reply: bool
    may_accept: bool
    may_moderate: bool
    reply_refusal: str | None
    categories: list[Category] = field(default_factory=list)


def _allowed(check: Callable[..., None], *args: Any) -> bool:
    try:
        check(*args)
    except (Forbidden, InvalidAction, NotFound):
        return False
    return True


def page_count(thread: Thread) -> int:
    return max(1, math.ceil(thread.last_post_number / POSTS_PER_PAGE))


def thread_page(db: Session, *, viewer: Member, thread_id: str, number: int = 1) -> ThreadPage:
    """One page of a thread, in a fixed number of queries whatever its length: the thread,
    its topics, the page's posts (with the accepted answer) and their authors in one query,
    reaction counts in one, the viewer's own reactions in one, follow state, read marker."""
    thread = db.execute(
        select(Thread)
        .where(Thread.id == thread_id)
        .options(
            joinedload(Thread.category),
            joinedload(Thread.author).joinedload(Member.organisation),
            selectinload(Thread.topics),
        )
    ).scalar_one_or_none()
    if thread is None:
        raise NotFound("There is no such thread.")
    check_view_thread_permission(viewer, thread)
    pages = page_count(thread)
    if number > pages:
        raise NotFound(f"This thread has {pages} page{'s' if pages > 1 else ''}.")
    first = (number - 1) * POSTS_PER_PAGE + 1
    last = number * POSTS_PER_PAGE
    wanted = Post.number.between(first, last)
    if number == 1 and thread.accepted_post_id:
        wanted = or_(wanted, Post.id == thread.accepted_post_id)
    posts = list(
        db.execute(
            select(Post)
            .where(Post.thread_id == thread.id, wanted)
            .options(joinedload(Post.author).joinedload(Member.organisation))
            .order_by(Post.number)
        ).scalars()
    )
    ids = [post.id for post in posts]
    counts: dict[tuple[str, str], int] = {
        (post_id, kind): count
        for post_id, kind, count in db.execute(
            select(Reaction.post_id, Reaction.kind, func.count())
            .where(Reaction.post_id.in_(ids))
            .group_by(Reaction.post_id, Reaction.kind)
        )
    }
    mine: dict[str, set[str]] = {}
    for post_id, kind in db.execute(
        select(Reaction.post_id, Reaction.kind).where(
            Reaction.post_id.in_(ids), Reaction.member_id == viewer.id
        )
    ):
        mine.setdefault(post_id, set()).add(kind)
    following = db.get(ThreadFollow, (viewer.id, thread.id)) is not None
    shown = [post for post in posts if first <= post.number <= last]
    if shown:
        _mark_read(db, viewer, thread.id, shown[-1].number)

    def view(post: Post) -> PostView:
        return PostView(
            post=post,
            show_body=may_see_post_body(viewer, post),
            is_accepted=post.id == thread.accepted_post_id,
            helpful=counts.get((post.id, ReactionKind.HELPFUL.value), 0),
            thanks=counts.get((post.id, ReactionKind.THANKS.value), 0),
            mine=frozenset(mine.get(post.id, ())),
            may_edit=_allowed(check_edit_post_permission, viewer, thread, post),
            may_delete=_allowed(check_delete_post_permission, viewer, thread, post),
            may_see_history=post.edit_count > 0
            and _allowed(check_view_post_history_permission, viewer, thread, post),
            may_react=_allowed(check_react_permission, viewer, thread, post),
        )

    accepted = next((post for post in posts if post.id == thread.accepted_post_id), None)
    reply_refusal = None
    try:
        check_reply_permission(viewer, thread)
    except InvalidAction as refusal:
        reply_refusal = str(refusal)
    may_moderate = may_moderate_discussions(viewer)
    return ThreadPage(
        thread=thread,
        posts=[view(post) for post in shown],
        accepted=view(accepted) if accepted is not None and number == 1 else None,
        number=number,
        pages=pages,
        following=following,
        may_reply=reply_refusal is None,
        may_accept=thread.is_question and _allowed(check_accept_answer_permission, viewer, thread),
        may_moderate=may_moderate,
        reply_refusal=reply_refusal,
        categories=category_choices(db, viewer=viewer) if may_moderate else [],
    )


def locate_post(db: Session, *, viewer: Member, post_id: str) -> tuple[str, int, int]:
    """(thread id, page, post number) of a post, for links to it."""
    post, thread = _load_post(db, viewer, post_id)
    return thread.id, math.ceil(post.number / POSTS_PER_PAGE), post.number


def first_unread(db: Session, *, viewer: Member, thread_id: str) -> tuple[int, int]:
    """(page, post number) of the first post the viewer has not read."""
    thread = _load_thread(db, viewer, thread_id)
    read = db.get(ThreadRead, (viewer.id, thread.id))
    number = min(thread.last_post_number, (read.last_read_number if read else 0) + 1)
    return math.ceil(number / POSTS_PER_PAGE), number


def thread_for_reply(db: Session, *, viewer: Member, thread_id: str) -> Thread:
    thread = _load_thread(db, viewer, thread_id)
    check_reply_permission(viewer, thread)
    return thread


def post_for_edit(db: Session, *, viewer: Member, post_id: str) -> tuple[Post, Thread]:
    post, thread = _load_post(db, viewer, post_id)
    check_edit_post_permission(viewer, thread, post)
    return post, thread
