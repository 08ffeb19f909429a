"""Moderating threads and posts: restore, pin, lock, move, hide; each recorded in the audit
log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.db import utcnow
from app.discussions.models import Category, Post, Thread
from app.discussions.service._common import (
    _load_post,
    _load_thread,
    _moderation_entry,
    _thread_label,
)
from app.errors import InvalidAction, InvalidInput
from app.members.models import Member
from app.outbox.sync import enqueue_sync, enqueue_sync_many
from app.policy import check_moderate_discussions_permission


def _moderated_thread(db: Session, actor: Member, thread_id: str) -> Thread:
    thread = _load_thread(db, actor, thread_id)
    check_moderate_discussions_permission(actor, thread)
    return thread


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


@dataclass(frozen=True)
class AuthorRemoval:
    threads: int
    posts: int


def remove_everything_by(
    db: Session, *, actor: Member, author: Member, reason: str
) -> AuthorRemoval:
    """Spam removal's share of discussions: delete every live thread the author started and
    hide every reply they wrote in other threads, as delete_post and hide_post would one by
    one (an audit entry for each, search updated, an accepted answer withdrawn), but with a
    fixed number of statements whatever the number of posts. The caller has checked that
    the actor may remove the account."""
    now = utcnow()
    threads = db.execute(
        select(Thread.id, Thread.title).where(
            Thread.author_id == author.id, Thread.deleted_at.is_(None)
        )
    ).all()
    thread_ids = [thread_id for thread_id, _title in threads]
    if thread_ids:
        db.execute(
            update(Thread)
            .where(Thread.id.in_(thread_ids))
            .values(deleted_at=now, deleted_by_id=actor.id)
        )
    replies = db.execute(
        select(Post.id, Post.number, Thread.title, Thread.accepted_post_id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            Post.author_id == author.id,
            Post.number > 1,
            Post.hidden_reason.is_(None),
            Post.deleted_at.is_(None),
            Thread.deleted_at.is_(None),
        )
    ).all()
    post_ids = [row.id for row in replies]
    if post_ids:
        db.execute(
            update(Post)
            .where(Post.id.in_(post_ids))
            .values(hidden_reason=reason, hidden_at=now, hidden_by_id=actor.id)
        )
        db.execute(
            update(Thread)
            .where(Thread.accepted_post_id.in_(post_ids))
            .values(accepted_post_id=None)
        )
    enqueue_sync_many(db, kind="thread", ids=thread_ids)
    enqueue_sync_many(db, kind="post", ids=post_ids)
    if author.id != actor.id:
        audit.record_many(
            db,
            actor=actor,
            action="thread_deleted",
            reason=reason,
            subjects=[audit.Subject(author, f"Thread “{title}”") for _thread_id, title in threads],
        )
    audit.record_many(
        db,
        actor=actor,
        action="post_hidden",
        reason=reason,
        subjects=[
            audit.Subject(
                author,
                f"Post {row.number} in Thread “{row.title}”",
                {"accepted_post_id": row.id} if row.accepted_post_id == row.id else {},
            )
            for row in replies
        ],
    )
    db.expire_all()
    return AuthorRemoval(threads=len(thread_ids), posts=len(post_ids))
