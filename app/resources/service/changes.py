"""Creating a resource with its files, editing it, deleting and restoring it, and hiding
and unhiding it (moderators); each change queues the search sync."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.db import utcnow
from app.errors import InvalidAction, InvalidInput
from app.groups.service import check_post_to_group
from app.guard.schemas import GUARD_FIELDS
from app.guard.service import GuardSubject, Override, check_before_saving, record_override
from app.members.models import Member, Organisation
from app.outbox.sync import enqueue_sync
from app.policy import (
    check_change_resource_permission,
    check_moderate_resource_permission,
    check_restore_resource_permission,
)
from app.resources.models import Resource, ResourceStatus
from app.resources.schemas import ResourceData
from app.resources.service._common import _load
from app.resources.service.uploads import (
    MAX_FILES_PER_UPLOAD,
    StoredFile,
    Upload,
    _add_version,
    _commit_staged,
    _new_file,
    _stage_uploads,
)
from app.resources.storage import FileStorage
from app.topics.models import Topic
from app.uploads.models import StagedUpload


def _topics(db: Session, slugs: list[str], errors: dict[str, str]) -> list[Topic]:
    topics = list(db.execute(select(Topic).where(Topic.slug.in_(slugs))).scalars())
    unknown = sorted(set(slugs) - {topic.slug for topic in topics})
    if unknown:
        errors["topics"] = f"Unknown topic: {', '.join(unknown)}"
    return topics


def _check_organisation(db: Session, organisation_id: str | None, errors: dict[str, str]) -> None:
    if organisation_id and db.get(Organisation, organisation_id) is None:
        errors["organisation_id"] = "There is no such organisation."


def files_problem(file_count: int, external_url: str | None) -> str | None:
    """What is wrong with the files a new resource comes with, in the form's words; the
    views ask this too, so a form with other errors reports it in the same answer."""
    if file_count > MAX_FILES_PER_UPLOAD:
        return f"Upload at most {MAX_FILES_PER_UPLOAD} files at once"
    if file_count == 0 and not external_url:
        return "Choose a file to upload, or enter a web address"
    return None


def _guarded_metadata(data: ResourceData) -> Override | None:
    return check_before_saving(
        {"title": data.title, "summary": data.summary, "abstract": data.abstract},
        post_anyway=data.post_anyway,
        reason=data.guard_reason,
    )


def _guard_subject(resource: Resource) -> GuardSubject:
    return GuardSubject(
        type="resource",
        id=resource.id,
        label=resource.title,
        url=f"/resources/{resource.id}",
        group_id=resource.group_id,
    )


def create_resource(
    db: Session,
    *,
    storage: FileStorage,
    actor: Member,
    data: ResourceData,
    uploads: list[Upload],
    max_bytes: int,
    staged: list[StagedUpload] | None = None,
) -> Resource:
    """``staged`` are files kept from the same form shown again with errors (checked when
    they were received); they become the resource's first files, after them ``uploads``."""
    staged = staged or []
    errors: dict[str, str] = {}
    problem = files_problem(len(uploads) + len(staged), data.external_url)
    if problem:
        errors["files"] = problem
    topics = _topics(db, data.topics, errors)
    _check_organisation(db, data.organisation_id, errors)
    if errors:
        raise InvalidInput(errors)
    check_post_to_group(db, actor=actor, group_id=data.group_id)
    override = _guarded_metadata(data)
    staging = _stage_uploads(storage, uploads, max_bytes=max_bytes)
    try:
        fields = data.model_dump(exclude={"topics", *GUARD_FIELDS})
        if fields["organisation_id"] is None:
            fields["organisation_id"] = actor.organisation_id
        resource = Resource(**fields, owner_id=actor.id, topics=topics)
        db.add(resource)
        db.flush()
        items = [StoredFile.of_staged(row) for row in staged] + [
            StoredFile.of_checked(item) for item in staging.checked
        ]
        for position, item in enumerate(items):
            resource_file = _new_file(db, resource=resource, position=position, name=item.filename)
            _add_version(
                db, resource_file=resource_file, number=1, item=item, actor=actor, change_note=None
            )
        for row in staged:
            db.delete(row)
        _commit_staged(staging)
    except BaseException:
        staging.discard()
        raise
    enqueue_sync(db, kind="resource", id=resource.id)
    record_override(db, actor=actor, subject=_guard_subject(resource), override=override)
    return resource


def update_resource(
    db: Session, *, actor: Member, resource_id: str, data: ResourceData
) -> Resource:
    resource = _load(db, resource_id)
    check_change_resource_permission(actor, resource)
    errors: dict[str, str] = {}
    topics = _topics(db, data.topics, errors)
    _check_organisation(db, data.organisation_id, errors)
    if not resource.files and not data.external_url:
        errors["external_url"] = "Enter a web address: a resource without files needs one"
    if errors:
        raise InvalidInput(errors)
    if data.group_id != resource.group_id:
        check_post_to_group(db, actor=actor, group_id=data.group_id)
    override = _guarded_metadata(data)
    for name, value in data.model_dump(exclude={"topics", *GUARD_FIELDS}).items():
        setattr(resource, name, value)
    resource.topics = topics
    resource.updated_at = utcnow()
    db.flush()
    enqueue_sync(db, kind="resource", id=resource.id)
    record_override(db, actor=actor, subject=_guard_subject(resource), override=override)
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
    resource.guard_held = False
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
