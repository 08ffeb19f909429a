"""Who hears about a post: members newly @mentioned (an unknown handle stops the save), then
the thread's followers (a reply) or the category's (a new thread)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.discussions.models import CategoryFollow, Post, Thread, ThreadFollow
from app.errors import InvalidInput
from app.members.handles import new_mentions
from app.members.models import Member, MemberStatus
from app.notifications.kinds import NotificationKind
from app.notifications.service import notify
from app.policy.notifications import may_be_told_about_thread


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
