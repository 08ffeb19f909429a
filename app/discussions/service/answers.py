"""Accepted answers: the question's author (or a moderator) marks one reply as the answer."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.discussions.models import Post, Thread
from app.discussions.service._common import _load_thread, _moderation_entry
from app.errors import InvalidAction, InvalidInput
from app.members.models import Member
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.outbox.sync import enqueue_sync
from app.policy import check_accept_answer_permission


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
            announce(
                db,
                parts=[(NotificationKind.ANSWER_ACCEPTED, audiences.members(post.author_id))],
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
