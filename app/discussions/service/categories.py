"""Categories: listing them with their thread counts, choosing one, creating and changing
them (admins)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.audit import service as audit
from app.discussions.models import Category, CategoryFollow, Thread
from app.discussions.schemas import CategoryWrite
from app.discussions.service._common import _topics_for
from app.errors import InvalidInput, NotFound
from app.groups.models import GroupMembership
from app.keyset import COUNT_CAP
from app.members.models import Member
from app.members.reference_data import slugify
from app.policy import (
    check_manage_categories_permission,
    check_view_category_permission,
    visible_categories_filter,
)
from app.topics.models import Topic


@dataclass(frozen=True)
class CategoryListing:
    category: Category
    thread_count: int
    last_post_at: datetime | None
    following: bool
    thread_count_capped: bool = False


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


def list_categories(
    db: Session, *, viewer: Member, joined_groups_only: bool = False
) -> list[CategoryListing]:
    """The categories the viewer may see with their thread counts (up to 1,000: past that
    ``thread_count_capped``) and latest activity. ``joined_groups_only`` leaves out the
    categories of groups the viewer has not joined (the discussions page: at national size
    every open group's category would make hundreds of rows; the group's page links it).

    A thread's group is its category's (start_thread, move_thread), so a category the
    viewer may see holds only threads they may see: the counts need no access filter of
    their own, and each is read from the listed-threads index of its category alone."""
    conditions = [visible_categories_filter(viewer, Category)]
    if joined_groups_only:
        joined = select(GroupMembership.group_id).where(GroupMembership.member_id == viewer.id)
        conditions.append(or_(Category.group_id.is_(None), Category.group_id.in_(joined)))
    categories = list(
        db.execute(
            select(Category)
            .where(*conditions)
            .options(selectinload(Category.topics))
            .order_by(Category.position, Category.name)
        ).scalars()
    )
    listed = (Thread.category_id == Category.id, Thread.deleted_at.is_(None))
    first_threads = (
        select(Thread.id).where(*listed).limit(COUNT_CAP + 1).correlate(Category).subquery()
    )
    thread_count = select(func.count()).select_from(first_threads).scalar_subquery()
    last_post_at = select(func.max(Thread.last_post_at)).where(*listed).scalar_subquery()
    stats = {
        category_id: (count, last)
        for category_id, count, last in db.execute(
            select(Category.id, thread_count, last_post_at).where(
                Category.id.in_([category.id for category in categories])
            )
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
            min(stats.get(category.id, (0, None))[0], COUNT_CAP),
            stats.get(category.id, (0, None))[1],
            category.id in followed,
            thread_count_capped=stats.get(category.id, (0, None))[0] > COUNT_CAP,
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
