"""Loading a resource with everything its pages show, which the resources service modules
share."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.errors import NotFound
from app.resources.models import Resource, ResourceFile


def _load(db: Session, resource_id: str, *, refresh: bool = False) -> Resource:
    """The resource with its topics, owner, organisation, files and versions; ``refresh``
    reloads what the session already holds."""
    resource = db.execute(
        select(Resource)
        .execution_options(populate_existing=refresh)
        .where(Resource.id == resource_id)
        .options(
            selectinload(Resource.topics),
            # one row each: joined into the resource's own statement
            joinedload(Resource.owner),
            joinedload(Resource.organisation),
            selectinload(Resource.files).selectinload(ResourceFile.versions),
            selectinload(Resource.removed_files).selectinload(ResourceFile.versions),
        )
    ).scalar_one_or_none()
    if resource is None:
        raise NotFound("There is no such resource.")
    return resource
