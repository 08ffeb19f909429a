"""Demo notifications: each demo thread's author is told of the replies in it, as
following their own thread would have done, so the demo's notification page, header count
and digest show something. Safe to run twice."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.discussions.models import Post, Thread
from app.notifications.kinds import NotificationKind
from app.notifications.service import notify


def seed_notifications(db: Session) -> int:
    replies = db.execute(
        select(Post, Thread)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.number > 1)
        .order_by(Post.created_at)
    ).all()
    added = 0
    for post, thread in replies:
        if thread.author_id is None or post.author_id in (None, thread.author_id):
            continue
        told = notify(
            db,
            member_id=thread.author_id,
            kind=NotificationKind.REPLY,
            subject_type="post",
            subject_id=post.id,
            actor_id=post.author_id,
            dedupe_key=f"demo:{post.id}",
        )
        added += told is not None
    return added
