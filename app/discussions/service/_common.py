"""Helpers the discussions service modules share: loading a thread or post the viewer may
see, topics by slug, portable upserts, follow and read markers, audit entries for a thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session, joinedload

from app.audit import service as audit
from app.db import utcnow, write_after_reading
from app.discussions.models import Post, Thread, ThreadFollow, ThreadRead
from app.errors import InvalidInput, NotFound
from app.members.models import Member
from app.policy import check_view_thread_permission
from app.topics.models import Topic


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
    write_after_reading(db, statement)


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
