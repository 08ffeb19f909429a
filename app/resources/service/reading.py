"""Reading the library: one resource, related ones, filtered and sorted lists, the
publication years to filter by, and downloading a file (counted)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select, union, update
from sqlalchemy.orm import Session, joinedload, selectinload

from app.db import write_after_reading
from app.errors import NotFound
from app.keyset import (
    CappedCount,
    Cursor,
    KeysetPage,
    capped_count,
    keyset_page,
    stepped_distinct,
)
from app.members.models import Member
from app.policy import check_view_resource_permission, listed_resources_filter
from app.resources.models import Resource, ResourceStatus, ResourceType, resource_topic
from app.resources.service._common import _load
from app.resources.storage import FileStorage
from app.topics.models import Topic


def get_resource(db: Session, *, viewer: Member, resource_id: str) -> Resource:
    resource = _load(db, resource_id)
    check_view_resource_permission(viewer, resource)
    return resource


RELATED_CANDIDATES_PER_TOPIC = 100


def related_resources(
    db: Session, *, viewer: Member, resource: Resource, limit: int = 5
) -> list[Resource]:
    """Published resources sharing the most topics with this one, newest first among
    equals. They are chosen from the 100 newest the viewer may see in each of its topics:
    ranking every resource of a topic (13,000 at national size) cost 600 ms a page, and an
    older resource sharing more topics only loses its place to newer ones."""
    topic_ids = [topic.id for topic in resource.topics]
    if not topic_ids:
        return []
    newest_per_topic = [
        select(
            select(Resource.id)
            .where(
                Resource.id.in_(
                    select(resource_topic.c.resource_id).where(resource_topic.c.topic_id == topic)
                ),
                Resource.id != resource.id,
                listed_resources_filter(viewer),
            )
            .order_by(Resource.created_at.desc(), Resource.id.desc())
            .limit(RELATED_CANDIDATES_PER_TOPIC)
            .subquery()
        )
        for topic in topic_ids
    ]
    candidates = union(*newest_per_topic) if len(newest_per_topic) > 1 else newest_per_topic[0]
    shared = func.count(resource_topic.c.topic_id).label("shared")
    rows = db.execute(
        select(Resource)
        .join(resource_topic, resource_topic.c.resource_id == Resource.id)
        .where(resource_topic.c.topic_id.in_(topic_ids), Resource.id.in_(candidates))
        .group_by(Resource.id)
        .order_by(shared.desc(), Resource.created_at.desc(), Resource.id.desc())
        .limit(limit)
    ).scalars()
    return list(rows)


Sort = Literal["newest", "downloads", "title"]
# Each sort's keyset keys (the id last, so they are unique) and whether they run descending.
SORTS: dict[str, tuple[list[Any], bool]] = {
    "newest": ([Resource.created_at, Resource.id], True),
    "downloads": ([Resource.download_count, Resource.created_at, Resource.id], True),
    "title": ([func.lower(Resource.title), Resource.id], False),
}


@dataclass(frozen=True)
class ResourceFilter:
    type: ResourceType | None = None
    topic_slug: str | None = None
    year: int | None = None
    organisation_id: str | None = None
    owner_id: str | None = None


def list_resources(
    db: Session,
    *,
    viewer: Member,
    resource_filter: ResourceFilter,
    sort: str,
    cursor: Cursor | None,
    limit: int,
) -> tuple[list[Resource], CappedCount, KeysetPage[Any]]:
    if resource_filter.owner_id is not None:
        # "my resources": the member's own, hidden ones included, deleted ones not
        conditions = [
            Resource.owner_id == resource_filter.owner_id,
            Resource.status != ResourceStatus.DELETED,
        ]
    else:
        conditions = [listed_resources_filter(viewer)]
    if resource_filter.type:
        conditions.append(Resource.type == resource_filter.type)
    if resource_filter.year:
        conditions.append(Resource.publication_year == resource_filter.year)
    if resource_filter.organisation_id:
        conditions.append(Resource.organisation_id == resource_filter.organisation_id)
    if resource_filter.topic_slug:
        conditions.append(
            Resource.id.in_(
                select(resource_topic.c.resource_id)
                .join(Topic, Topic.id == resource_topic.c.topic_id)
                .where(Topic.slug == resource_filter.topic_slug)
            )
        )
    total = capped_count(db, select(Resource.id).where(*conditions))
    keys, descending = SORTS.get(sort, SORTS["newest"])
    page = keyset_page(
        db,
        select(Resource)
        .where(*conditions)
        .options(
            selectinload(Resource.topics),
            joinedload(Resource.organisation),
            joinedload(Resource.owner),
        ),
        keys=keys,
        descending=descending,
        cursor=cursor,
        limit=limit,
    )
    return [row[0] for row in page.items], total, page


def publication_years(db: Session, *, viewer: Member) -> list[int]:
    """The years the viewer's resources were published in, newest first, for the filter:
    each year on the index (stepped_distinct), kept if one resource of it is visible."""
    years = stepped_distinct(Resource.publication_year, descending=True)
    visible = (
        select(Resource.id)
        .where(Resource.publication_year == years.c.value, listed_resources_filter(viewer))
        .exists()
    )
    found = db.execute(
        select(years.c.value)
        .where(years.c.value.is_not(None), visible)
        .order_by(years.c.value.desc())
    ).scalars()
    return [year for year in found if year is not None]


@dataclass(frozen=True)
class Download:
    path: Path
    filename: str
    content_type: str
    size: int


def download(
    db: Session,
    *,
    storage: FileStorage,
    viewer: Member,
    resource_id: str,
    file_id: str,
    version_number: int | None = None,
) -> Download:
    resource = _load(db, resource_id)
    check_view_resource_permission(viewer, resource)
    resource_file = next(
        (f for f in resource.files + resource.removed_files if f.id == file_id), None
    )
    if resource_file is None or not resource_file.versions:
        raise NotFound("This resource has no such file.")
    if version_number is None:
        version = resource_file.versions[0]
    else:
        version = next((v for v in resource_file.versions if v.number == version_number), None)
        if version is None:
            raise NotFound("This file has no such version.")
    if not storage.exists(version.storage_key):
        raise NotFound("The file is missing from storage; an admin has been told.")
    write_after_reading(
        db,
        update(Resource)
        .where(Resource.id == resource.id)
        .values(download_count=Resource.download_count + 1),
    )
    return Download(
        path=storage.path_of(version.storage_key),
        filename=resource_file.download_name(version),
        content_type=version.content_type,
        size=version.size,
    )


def newest_for_home(db: Session, *, viewer: Member, limit: int) -> list[Resource]:
    """The newest resources the viewer may see, for the home page: one statement, no
    total and no related rows (the home page shows only each one's title, type and
    date)."""
    return list(
        db.execute(
            select(Resource)
            .where(listed_resources_filter(viewer))
            .order_by(Resource.created_at.desc(), Resource.id.desc())
            .limit(limit)
        ).scalars()
    )
