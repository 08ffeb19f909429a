"""Rules of the resource library: adding resources with their files, new versions, edits,
soft deletion and restore, browsing, downloads and text extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from app.audit import service as audit
from app.db import utcnow
from app.errors import InvalidAction, InvalidInput, NotFound
from app.groups.service import check_post_to_group
from app.members.models import Member, Organisation
from app.outbox.service import enqueue
from app.outbox.sync import enqueue_sync
from app.policy import (
    check_change_resource_permission,
    check_moderate_resource_permission,
    check_restore_resource_permission,
    check_view_resource_permission,
    listed_resources_filter,
)
from app.resources.filetypes import FILE_TYPES, RejectedFile, check_upload, safe_filename
from app.resources.models import (
    ExtractionStatus,
    FileVersion,
    Resource,
    ResourceFile,
    ResourceStatus,
    ResourceType,
    resource_topic,
)
from app.resources.schemas import ResourceData
from app.resources.storage import FileStorage, StagedFile, TooLarge
from app.topics.models import Topic

EXTRACT_TOPIC = "resources.extract"
MAX_FILES_PER_UPLOAD = 10


@dataclass(frozen=True)
class Upload:
    filename: str | None
    stream: BinaryIO


@dataclass
class _Checked:
    staged: StagedFile
    filename: str
    file_type: str
    content_type: str


@dataclass
class _Staging:
    """Uploads written to staging; discarded unless the whole change succeeds."""

    storage: FileStorage
    checked: list[_Checked] = field(default_factory=list)

    def discard(self) -> None:
        for item in self.checked:
            self.storage.discard(item.staged)


def _stage_uploads(storage: FileStorage, uploads: list[Upload], *, max_bytes: int) -> _Staging:
    staging = _Staging(storage)
    try:
        for upload in uploads:
            filename = safe_filename(upload.filename)
            try:
                staged = storage.stage(upload.stream, max_bytes=max_bytes)
            except TooLarge:
                raise RejectedFile(
                    f"{filename} is larger than the {max_bytes // (1024 * 1024)} MB limit."
                ) from None
            staging.checked.append(_Checked(staged, filename, "", ""))
            if staged.size == 0:
                raise RejectedFile(f"{filename} is empty.")
            file_type = check_upload(staged.path, filename)
            staging.checked[-1].file_type = file_type.name
            staging.checked[-1].content_type = file_type.content_type
    except RejectedFile as error:
        staging.discard()
        raise InvalidInput({"files": str(error)}) from None
    except BaseException:
        staging.discard()
        raise
    return staging


def _topics(db: Session, slugs: list[str]) -> list[Topic]:
    topics = list(db.execute(select(Topic).where(Topic.slug.in_(slugs))).scalars())
    unknown = sorted(set(slugs) - {topic.slug for topic in topics})
    if unknown:
        raise InvalidInput({"topics": f"Unknown topic: {', '.join(unknown)}"})
    return topics


def _check_organisation(db: Session, organisation_id: str | None) -> None:
    if organisation_id and db.get(Organisation, organisation_id) is None:
        raise InvalidInput({"organisation_id": "There is no such organisation."})


def _add_version(
    db: Session,
    *,
    resource_file: ResourceFile,
    number: int,
    item: _Checked,
    actor: Member,
    change_note: str | None,
) -> FileVersion:
    extractable = FILE_TYPES[item.file_type].extractable
    version = FileVersion(
        file_id=resource_file.id,
        number=number,
        storage_key=item.staged.sha256,
        original_filename=item.filename,
        file_type=item.file_type,
        content_type=item.content_type,
        size=item.staged.size,
        change_note=change_note,
        uploaded_by_id=actor.id,
        extraction_status=(
            ExtractionStatus.PENDING if extractable else ExtractionStatus.NOT_APPLICABLE
        ),
    )
    db.add(version)
    db.flush()
    if extractable:
        enqueue(db, topic=EXTRACT_TOPIC, payload={"version_id": version.id})
    return version


def _commit_staged(staging: _Staging) -> None:
    """Move staged files into the store; called after the rows are flushed, so a refused
    change leaves no file behind."""
    for item in staging.checked:
        staging.storage.commit(item.staged)


def create_resource(
    db: Session,
    *,
    storage: FileStorage,
    actor: Member,
    data: ResourceData,
    uploads: list[Upload],
    max_bytes: int,
) -> Resource:
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise InvalidInput({"files": f"Upload at most {MAX_FILES_PER_UPLOAD} files at once."})
    if not uploads and not data.external_url:
        raise InvalidInput({"files": "Add at least one file, or a web address."})
    topics = _topics(db, data.topics)
    _check_organisation(db, data.organisation_id)
    check_post_to_group(db, actor=actor, group_id=data.group_id)
    staging = _stage_uploads(storage, uploads, max_bytes=max_bytes)
    try:
        fields = data.model_dump(exclude={"topics"})
        if fields["organisation_id"] is None:
            fields["organisation_id"] = actor.organisation_id
        resource = Resource(**fields, owner_id=actor.id, topics=topics)
        db.add(resource)
        db.flush()
        for position, item in enumerate(staging.checked):
            resource_file = ResourceFile(resource_id=resource.id, position=position)
            db.add(resource_file)
            db.flush()
            _add_version(
                db, resource_file=resource_file, number=1, item=item, actor=actor, change_note=None
            )
        _commit_staged(staging)
    except BaseException:
        staging.discard()
        raise
    enqueue_sync(db, kind="resource", id=resource.id)
    return resource


def _load(db: Session, resource_id: str, *, refresh: bool = False) -> Resource:
    """The resource with its topics, owner, organisation, files and versions; ``refresh``
    reloads what the session already holds."""
    resource = db.execute(
        select(Resource)
        .execution_options(populate_existing=refresh)
        .where(Resource.id == resource_id)
        .options(
            selectinload(Resource.topics),
            selectinload(Resource.owner),
            selectinload(Resource.organisation),
            selectinload(Resource.files).selectinload(ResourceFile.versions),
        )
    ).scalar_one_or_none()
    if resource is None:
        raise NotFound("There is no such resource.")
    return resource


def add_files(
    db: Session,
    *,
    storage: FileStorage,
    actor: Member,
    resource_id: str,
    uploads: list[Upload],
    max_bytes: int,
    replaces_file_id: str | None = None,
    change_note: str | None = None,
) -> Resource:
    """Add files, or with ``replaces_file_id`` upload a new version of one file (the earlier
    versions stay, with who uploaded them, when and why)."""
    resource = _load(db, resource_id)
    check_change_resource_permission(actor, resource)
    if not uploads:
        raise InvalidInput({"files": "Choose a file to upload."})
    note = (change_note or "").strip()[:500] or None
    target = None
    if replaces_file_id:
        target = next((f for f in resource.files if f.id == replaces_file_id), None)
        if target is None:
            raise NotFound("This resource has no such file.")
        if len(uploads) != 1:
            raise InvalidInput({"files": "A new version is one file."})
        if not note:
            raise InvalidInput({"change_note": "Say what changed in this version."})
    staging = _stage_uploads(storage, uploads, max_bytes=max_bytes)
    try:
        if target is not None:
            _add_version(
                db,
                resource_file=target,
                number=max(v.number for v in target.versions) + 1,
                item=staging.checked[0],
                actor=actor,
                change_note=note,
            )
        else:
            start = len(resource.files)
            for offset, item in enumerate(staging.checked):
                resource_file = ResourceFile(resource_id=resource.id, position=start + offset)
                db.add(resource_file)
                db.flush()
                _add_version(
                    db,
                    resource_file=resource_file,
                    number=1,
                    item=item,
                    actor=actor,
                    change_note=note,
                )
        resource.updated_at = utcnow()
        db.flush()
        enqueue_sync(db, kind="resource", id=resource.id)
        _commit_staged(staging)
    except BaseException:
        staging.discard()
        raise
    return _load(db, resource_id, refresh=True)


def update_resource(
    db: Session, *, actor: Member, resource_id: str, data: ResourceData
) -> Resource:
    resource = _load(db, resource_id)
    check_change_resource_permission(actor, resource)
    topics = _topics(db, data.topics)
    _check_organisation(db, data.organisation_id)
    if data.group_id != resource.group_id:
        check_post_to_group(db, actor=actor, group_id=data.group_id)
    if not resource.files and not data.external_url:
        raise InvalidInput({"external_url": "A resource without files needs a web address."})
    for name, value in data.model_dump(exclude={"topics"}).items():
        setattr(resource, name, value)
    resource.topics = topics
    resource.updated_at = utcnow()
    db.flush()
    enqueue_sync(db, kind="resource", id=resource.id)
    return resource


def delete_resource(db: Session, *, actor: Member, resource_id: str) -> Resource:
    resource = _load(db, resource_id)
    check_change_resource_permission(actor, resource)
    if resource.status == ResourceStatus.DELETED:
        raise InvalidAction("This resource is already deleted.")
    before = {"status": resource.status.value}
    resource.status, resource.deleted_at = ResourceStatus.DELETED, utcnow()
    db.flush()
    enqueue_sync(db, kind="resource", id=resource.id)
    if actor.id != resource.owner_id:
        audit.record(
            db,
            actor=actor,
            action="resource_deleted",
            subject=None,
            subject_label=resource.title,
            before=before,
            after={"status": "deleted"},
        )
    return resource


def restore_resource(db: Session, *, actor: Member, resource_id: str) -> Resource:
    resource = _load(db, resource_id)
    check_restore_resource_permission(actor, resource)
    if resource.status != ResourceStatus.DELETED:
        raise InvalidAction("Only a deleted resource can be restored.")
    resource.status, resource.deleted_at = ResourceStatus.PUBLISHED, None
    db.flush()
    enqueue_sync(db, kind="resource", id=resource.id)
    audit.record(
        db,
        actor=actor,
        action="resource_restored",
        subject=None,
        subject_label=resource.title,
        before={"status": "deleted"},
        after={"status": "published"},
    )
    return resource


def hide_resource(db: Session, *, actor: Member, resource_id: str, reason: str) -> Resource:
    """A moderator hides a published resource: it leaves lists and search at once; its
    owner and staff still see it, with the reason."""
    resource = _load(db, resource_id)
    check_moderate_resource_permission(actor, resource)
    cleaned = reason.strip()[:1000]
    if not cleaned:
        raise InvalidInput({"reason": "Give a reason for hiding the resource; its owner sees it."})
    if resource.status != ResourceStatus.PUBLISHED:
        raise InvalidAction(f"This resource is {resource.status.value}, not published.")
    resource.status, resource.status_reason = ResourceStatus.HIDDEN, cleaned
    db.flush()
    enqueue_sync(db, kind="resource", id=resource.id)
    audit.record(
        db,
        actor=actor,
        action="resource_hidden",
        subject=resource.owner,
        subject_label=resource.title,
        reason=cleaned,
        before={"status": "published"},
        after={"status": "hidden"},
    )
    return resource


def unhide_resource(
    db: Session, *, actor: Member, resource_id: str, reason: str | None = None
) -> Resource:
    resource = _load(db, resource_id)
    check_moderate_resource_permission(actor, resource)
    if resource.status != ResourceStatus.HIDDEN:
        raise InvalidAction("This resource is not hidden.")
    resource.status, resource.status_reason = ResourceStatus.PUBLISHED, None
    db.flush()
    enqueue_sync(db, kind="resource", id=resource.id)
    audit.record(
        db,
        actor=actor,
        action="resource_unhidden",
        subject=resource.owner,
        subject_label=resource.title,
        reason=reason,
        before={"status": "hidden"},
        after={"status": "published"},
    )
    return resource


def get_resource(db: Session, *, viewer: Member, resource_id: str) -> Resource:
    resource = _load(db, resource_id)
    check_view_resource_permission(viewer, resource)
    return resource


def related_resources(
    db: Session, *, viewer: Member, resource: Resource, limit: int = 5
) -> list[Resource]:
    """Published resources sharing the most topics with this one."""
    topic_ids = [topic.id for topic in resource.topics]
    if not topic_ids:
        return []
    shared = func.count(resource_topic.c.topic_id).label("shared")
    rows = db.execute(
        select(Resource)
        .join(resource_topic, resource_topic.c.resource_id == Resource.id)
        .where(
            resource_topic.c.topic_id.in_(topic_ids),
            Resource.id != resource.id,
            listed_resources_filter(viewer),
        )
        .group_by(Resource.id)
        .order_by(shared.desc(), Resource.created_at.desc())
        .limit(limit)
    ).scalars()
    return list(rows)


Sort = Literal["newest", "downloads", "title"]
SORTS: dict[str, Any] = {
    "newest": (Resource.created_at.desc(), Resource.id),
    "downloads": (Resource.download_count.desc(), Resource.created_at.desc()),
    "title": (func.lower(Resource.title), Resource.id),
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
    offset: int,
    limit: int,
) -> tuple[list[Resource], int]:
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
    total = db.execute(select(func.count()).select_from(Resource).where(*conditions)).scalar_one()
    rows = db.execute(
        select(Resource)
        .where(*conditions)
        .options(
            selectinload(Resource.topics),
            selectinload(Resource.organisation),
            selectinload(Resource.owner),
        )
        .order_by(*SORTS.get(sort, SORTS["newest"]))
        .offset(offset)
        .limit(limit)
    ).scalars()
    return list(rows), total


def publication_years(db: Session, *, viewer: Member) -> list[int]:
    years = db.execute(
        select(Resource.publication_year)
        .where(listed_resources_filter(viewer), Resource.publication_year.is_not(None))
        .distinct()
        .order_by(Resource.publication_year.desc())
    ).scalars()
    return [year for year in years if year is not None]


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
    resource_file = next((f for f in resource.files if f.id == file_id), None)
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
    db.execute(
        update(Resource)
        .where(Resource.id == resource.id)
        .values(download_count=Resource.download_count + 1)
    )
    return Download(
        path=storage.path_of(version.storage_key),
        filename=version.original_filename,
        content_type=version.content_type,
        size=version.size,
    )


# --- text extraction (outbox worker) ------------------------------------------------------


@dataclass(frozen=True)
class ExtractionJob:
    version_id: str
    path: Path
    kind: str


def pending_extractions(
    db: Session, *, storage: FileStorage, version_ids: list[str]
) -> list[ExtractionJob]:
    jobs = []
    for version in db.execute(
        select(FileVersion).where(
            FileVersion.id.in_(version_ids),
            FileVersion.extraction_status == ExtractionStatus.PENDING,
        )
    ).scalars():
        if storage.exists(version.storage_key):
            jobs.append(
                ExtractionJob(version.id, storage.path_of(version.storage_key), version.file_type)
            )
        else:
            version.extraction_status = ExtractionStatus.FAILED
            version.extraction_error = "the stored file is missing"
    db.flush()
    return jobs


def record_extraction(db: Session, *, version_id: str, text: str | None, error: str | None) -> None:
    """Store what the child process read; a file whose text cannot be read is marked so
    and stays downloadable."""
    version = db.get(FileVersion, version_id)
    if version is None:
        return
    if error is not None:
        version.extraction_status, version.extraction_error = ExtractionStatus.FAILED, error
    else:
        version.extraction_status, version.extracted_text = ExtractionStatus.DONE, text
        version.extraction_error = None
    db.flush()
    resource_file = db.get(ResourceFile, version.file_id)
    if resource_file is not None:
        enqueue_sync(db, kind="resource", id=resource_file.resource_id)
