"""The member directory and profiles: what members show each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.errors import InvalidInput, NotFound
from app.guard.service import GuardSubject, check_before_saving, record_override
from app.keyset import CappedCount, Cursor, KeysetPage, capped_count, keyset_page
from app.members.models import Member, MemberRole, Organisation
from app.members.schemas import ProfileOut, ProfileUpdate, TopicOut
from app.outbox.sync import enqueue_sync
from app.policy import (
    check_view_profile_permission,
    listed_in_directory,
    may_see_profile_field,
    profile_field_visible_filter,
)
from app.topics.models import Topic, member_topic


def profile_for(viewer: Member, member: Member) -> ProfileOut:
    """The profile as ``viewer`` may see it; the member's organisation and topics must be
    loaded."""

    def shown(field: str, value: Any) -> Any:
        return value if may_see_profile_field(viewer, member, field) else None

    areas = [TopicOut.model_validate(topic) for topic in member.areas_of_practice]
    return ProfileOut(
        id=member.id,
        display_name=member.display_name,
        handle=member.handle,
        role=member.role,
        organisation=member.organisation.name if member.organisation else None,
        is_champion=member.is_champion,
        email=shown("email", member.email),
        job_title=shown("job_title", member.job_title),
        team=shown("team", member.team),
        bio=shown("bio", member.bio),
        areas_of_practice=shown("areas_of_practice", areas),
        joined_at=member.joined_at,
    )


def _with_profile(query):  # type: ignore[no-untyped-def]
    return query.options(selectinload(Member.organisation), selectinload(Member.areas_of_practice))


def member_by_handle(db: Session, *, viewer: Member, handle: str) -> Member:
    member = db.execute(select(Member).where(Member.handle == handle.lower())).scalar_one_or_none()
    if member is None:
        raise NotFound(f"No member is called @{handle}.")
    check_view_profile_permission(viewer, member)
    return member


def get_profile(db: Session, *, viewer: Member, member_id: str) -> tuple[Member, ProfileOut]:
    member = db.execute(
        _with_profile(select(Member).where(Member.id == member_id))
    ).scalar_one_or_none()
    if member is None:
        raise NotFound("There is no member with that id.")
    check_view_profile_permission(viewer, member)
    return member, profile_for(viewer, member)


@dataclass(frozen=True)
class DirectoryFilter:
    organisation_id: str | None = None
    role: MemberRole | None = None
    topic_slug: str | None = None
    query: str | None = None


def list_directory(
    db: Session,
    *,
    viewer: Member,
    directory_filter: DirectoryFilter,
    cursor: Cursor | None,
    limit: int,
) -> tuple[list[ProfileOut], CappedCount, KeysetPage[Any]]:
    conditions = [listed_in_directory()]
    if directory_filter.organisation_id:
        conditions.append(Member.organisation_id == directory_filter.organisation_id)
    if directory_filter.role:
        conditions.append(Member.role == directory_filter.role)
    if directory_filter.query:
        conditions.append(
            func.lower(Member.display_name).contains(
                directory_filter.query.strip().lower(), autoescape=True
            )
        )
    if directory_filter.topic_slug:
        conditions.append(
            Member.id.in_(
                select(member_topic.c.member_id)
                .join(Topic, Topic.id == member_topic.c.topic_id)
                .where(Topic.slug == directory_filter.topic_slug)
            )
        )
        # Filtering by an area of practice must not reveal areas a member hides.
        conditions.append(profile_field_visible_filter(viewer, "areas_of_practice"))
    total = capped_count(db, select(Member.id).where(*conditions))
    page = keyset_page(
        db,
        _with_profile(select(Member).where(*conditions)),
        keys=[Member.display_name, Member.id],
        descending=False,
        cursor=cursor,
        limit=limit,
    )
    return [profile_for(viewer, row[0]) for row in page.items], total, page


def all_topics(db: Session) -> list[Topic]:
    return list(db.execute(select(Topic).order_by(Topic.name)).scalars())


def update_profile(db: Session, *, actor: Member, data: ProfileUpdate) -> Member:
    member = db.execute(_with_profile(select(Member).where(Member.id == actor.id))).scalar_one()
    topics = list(db.execute(select(Topic).where(Topic.slug.in_(data.areas_of_practice))).scalars())
    unknown = sorted(set(data.areas_of_practice) - {topic.slug for topic in topics})
    if unknown:
        raise InvalidInput({"areas_of_practice": f"Unknown area of practice: {', '.join(unknown)}"})
    override = check_before_saving(
        {"bio": data.bio}, post_anyway=data.post_anyway, reason=data.guard_reason
    )
    member.display_name = data.display_name
    member.job_title = data.job_title
    member.team = data.team
    member.bio = data.bio
    member.areas_of_practice = topics
    member.profile_visibility = {
        **(member.profile_visibility or {}),
        **{field: visibility.value for field, visibility in data.visibility.items()},
    }
    db.flush()
    enqueue_sync(db, kind="member", id=member.id)
    subject = GuardSubject(
        type="profile",
        id=member.id,
        label=f"Profile of {member.display_name}",
        url=f"/members/{member.id}",
    )
    record_override(db, actor=actor, subject=subject, override=override)
    return member


def organisation_choices(db: Session) -> list[Organisation]:
    return list(db.execute(select(Organisation).order_by(Organisation.name)).scalars())
