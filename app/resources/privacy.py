"""The resources a member owns and the files they uploaded (copied into the export).

On erasure the admin chooses: the resources move to the member's organisation (the owner
becomes NULL, the organisation stays or is set) and stay published, or they are hidden."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.outbox.sync import enqueue_sync_many
from app.privacy.kinds import (
    ErasureContext,
    ExportFile,
    PersonalData,
    Row,
    StoredFile,
    columns_of,
)
from app.resources.models import FileVersion, Resource, ResourceFile, ResourceStatus

HIDDEN_REASON = "Its owner's account was closed."


def resource_rows(db: Session, member_id: str) -> Iterator[Row]:
    for resource in db.execute(
        select(Resource).where(Resource.owner_id == member_id).order_by(Resource.created_at)
    ).scalars():
        yield columns_of(
            resource,
            "id",
            "title",
            "summary",
            "type",
            "audience",
            "publication_year",
            "authors",
            "abstract",
            "doi",
            "external_url",
            "licence_note",
            "status",
            "created_at",
            "updated_at",
        )


def _uploads(member_id: str) -> Select[str, str, str]:
    return (
        select(FileVersion.id, FileVersion.original_filename, FileVersion.storage_key)
        .join(ResourceFile, ResourceFile.id == FileVersion.file_id)
        .join(Resource, Resource.id == ResourceFile.resource_id)
        .where((Resource.owner_id == member_id) | (FileVersion.uploaded_by_id == member_id))
        .order_by(FileVersion.uploaded_at, FileVersion.id)
    )


def file_rows(db: Session, member_id: str) -> Iterator[Row]:
    query = (
        select(FileVersion, ResourceFile.resource_id)
        .join(ResourceFile, ResourceFile.id == FileVersion.file_id)
        .join(Resource, Resource.id == ResourceFile.resource_id)
        .where((Resource.owner_id == member_id) | (FileVersion.uploaded_by_id == member_id))
        .order_by(FileVersion.uploaded_at, FileVersion.id)
    )
    for version, resource_id in db.execute(query):
        yield {
            "resource_id": resource_id,
            **columns_of(
                version,
                "number",
                "original_filename",
                "file_type",
                "size",
                "change_note",
                "uploaded_at",
            ),
            "in_export_as": f"files/{version.id}/{version.original_filename}",
        }


def stored_files(db: Session, member_id: str) -> Iterator[StoredFile]:
    for row in db.execute(_uploads(member_id)):
        yield StoredFile(
            path=f"files/{row.id}/{row.original_filename}", storage_key=row.storage_key
        )


def count_file_bytes(db: Session, member_id: str) -> int:
    uploads = _uploads(member_id).subquery()
    return int(
        db.execute(
            select(func.coalesce(func.sum(FileVersion.size), 0)).where(
                FileVersion.id.in_(select(uploads.c.id))
            )
        ).scalar_one()
    )


def erase(db: Session, context: ErasureContext) -> None:
    owned = list(
        db.execute(select(Resource.id).where(Resource.owner_id == context.member_id)).scalars()
    )
    if not owned:
        return
    values: dict[str, object] = {"owner_id": None, "updated_at": utcnow()}
    if context.hide_resources:
        values |= {"status": ResourceStatus.HIDDEN, "status_reason": HIDDEN_REASON}
    db.execute(update(Resource).where(Resource.id.in_(owned)).values(**values))
    if context.organisation_id is not None:
        db.execute(
            update(Resource)
            .where(Resource.id.in_(owned), Resource.organisation_id.is_(None))
            .values(organisation_id=context.organisation_id)
        )
    enqueue_sync_many(db, kind="resource", ids=owned)


PERSONAL_DATA = PersonalData(
    domain="resources",
    files=(
        ExportFile("resources.json", "The resources you own in the library.", resource_rows),
        ExportFile(
            "resource_files.json",
            "The files of your resources and the files you uploaded, each with the path of its "
            "copy in this export (the files/ folder).",
            file_rows,
        ),
    ),
    stored_files=stored_files,
    stored_files_explanation="files/: a copy of each file listed in resource_files.json.",
    erase=erase,
    count=lambda db, member_id: count_file_bytes(db, member_id) // (64 * 1024),
)
