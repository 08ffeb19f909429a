"""Reading a thread: one page of posts in a fixed number of queries, what the viewer may do
with each, and where a post or the first unread post is."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.discussions.models import (
    Category,
    Post,
    PostAttachment,
    Reaction,
    ReactionKind,
    Thread,
    ThreadFollow,
    ThreadRead,
)
from app.discussions.service._common import _load_post, _load_thread, _mark_read
from app.discussions.service.categories import category_choices
from app.errors import Forbidden, InvalidAction, NotFound
from app.members.models import Member
from app.policy import (
    check_accept_answer_permission,
    check_delete_post_permission,
    check_edit_post_permission,
    check_react_permission,
    check_reply_permission,
    check_view_post_history_permission,
    check_view_thread_permission,
    may_see_attachment_guard_findings,
    may_see_post_attachment,
    may_see_post_body,
)
from app.policy.discussions import may_moderate_discussions

POSTS_PER_PAGE = 25


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
    attachments: tuple[PostAttachment, ...] = ()
    """The post's files the viewer may see (may_see_post_attachment)."""
    may_see_guard_findings: bool = False


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
    their attachments in one,
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
            .options(
                joinedload(Post.author).joinedload(Member.organisation),
                selectinload(Post.attachments),
            )
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
    read_before = db.get(ThreadRead, (viewer.id, thread.id))
    if shown and (read_before is None or read_before.last_read_number < shown[-1].number):
        # a page read again changes nothing: no write, so no write lock for a re-read
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
            attachments=tuple(
                item for item in post.attachments if may_see_post_attachment(viewer, post, item)
            ),
            may_see_guard_findings=may_see_attachment_guard_findings(viewer, post),
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
