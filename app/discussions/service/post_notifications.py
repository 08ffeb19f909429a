"""Who hears about a post: members newly @mentioned (an unknown handle stops the save), then
the thread's followers (a reply) or the category's (a new thread)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.discussions.models import Post, Thread
from app.errors import InvalidInput
from app.members.handles import new_mentions
from app.members.models import Member
from app.notifications import audiences
from app.notifications.audiences import Audience
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce


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


def _notify_about_post(
    db: Session,
    *,
    actor: Member,
    thread: Thread,
    post: Post,
    mentioned: list[Member],
    followers: Audience | None = None,
    followers_kind: NotificationKind = NotificationKind.REPLY,
) -> None:
    """Mentions first, then (for a reply, the thread's followers; for a new thread, the
    category's) the ``followers``: one announcement, so a mentioned follower hears once, as
    a mention. The worker leaves out whoever may not see the thread."""
    parts: list[tuple[NotificationKind, Audience]] = []
    if mentioned:
        parts.append((NotificationKind.MENTION, audiences.members(*(m.id for m in mentioned))))
    if followers is not None:
        parts.append((followers_kind, followers))
    announce(db, parts=parts, subject_type="post", subject_id=post.id, actor_id=actor.id)


def _thread_followers(thread: Thread) -> Audience:
    return audiences.thread_followers(thread.id)


def _category_followers(thread: Thread) -> Audience:
    return audiences.category_followers(thread.category_id)
