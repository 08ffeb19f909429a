"""Following a thread or a category."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db import utcnow
from app.discussions.models import Category, CategoryFollow, Thread, ThreadFollow
from app.discussions.service._common import _follow_thread, _load_thread, _upsert
from app.discussions.service.categories import _visible_category
from app.members.models import Member


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
