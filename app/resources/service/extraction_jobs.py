"""The text-extraction queue the worker reads: each file version that can be read is
queued under EXTRACT_TOPIC; the worker asks for the pending ones and records what the child
process read (app/resources/extraction_tasks.py).

Recording the text is also where the anonymisation guard reads an uploaded file, as a
whole document (app.guard.detection.check_document): a strong identifier (an NHS or NI
number, a date of birth, a full name next to a child's age, a home address with its
postcode) holds the resource for a moderator, hidden from everyone but its uploader and
moderators; weaker findings are kept on the version and listed to the uploader as a
notice. A held resource is released when every file's current version is clean (the
uploader replaced the file) or when a moderator unhides it. Holding a resource tells the
moderators who may clear it (an in-app notification, announced here in the worker)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.guard.detection import DocumentCheck, check_document
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.outbox.sync import enqueue_sync
from app.resources.models import (
    ExtractionStatus,
    FileVersion,
    Resource,
    ResourceFile,
    ResourceStatus,
)
from app.resources.storage import FileStorage

EXTRACT_TOPIC = "resources.extract"


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
        version.guard_findings = _stored(check_document(text or ""))
    db.flush()
    resource_file = db.get(ResourceFile, version.file_id)
    if resource_file is not None:
        resource = db.get(Resource, resource_file.resource_id)
        if resource is not None:
            _hold_or_release(db, resource, version)
        enqueue_sync(db, kind="resource", id=resource_file.resource_id)


MAX_STORED_FINDINGS = 50


def _stored(check: DocumentCheck) -> list[dict[str, Any]]:
    return [
        {"kind": f.kind, "label": f.label, "text": f.text[:200], "strong": strong}
        for strong, findings in ((True, check.strong), (False, check.weak))
        for f in findings
    ][:MAX_STORED_FINDINGS]


def _current_versions(db: Session, resource_id: str) -> list[FileVersion]:
    latest = (
        select(FileVersion.file_id, func.max(FileVersion.number).label("number"))
        .join(ResourceFile, ResourceFile.id == FileVersion.file_id)
        .where(ResourceFile.resource_id == resource_id, ResourceFile.removed_at.is_(None))
        .group_by(FileVersion.file_id)
        .subquery()
    )
    return list(
        db.execute(
            select(FileVersion).join(
                latest,
                (FileVersion.file_id == latest.c.file_id) & (FileVersion.number == latest.c.number),
            )
        ).scalars()
    )


def _has_strong_finding(version: FileVersion) -> bool:
    return any(item.get("strong") for item in version.guard_findings or [])


def _hold_or_release(db: Session, resource: Resource, version: FileVersion) -> None:
    current = _current_versions(db, resource.id)
    if version not in current:
        return
    if _has_strong_finding(version) and resource.status == ResourceStatus.PUBLISHED:
        labels = sorted({item["label"] for item in version.guard_findings or [] if item["strong"]})
        resource.status = ResourceStatus.HIDDEN
        resource.guard_held = True
        resource.status_reason = (
            f"held by the anonymisation guard: the file “{version.original_filename}” "
            f"contains {', '.join(labels)}. Only you and moderators can see it until a "
            "moderator clears it or you replace the file"
        )
        audit.record(
            db,
            actor=None,
            action="resource_held_by_guard",
            subject=None,
            subject_label=resource.title,
            reason=", ".join(labels),
            before={"status": "published"},
            after={"status": "hidden"},
        )
        announce(
            db,
            parts=[(NotificationKind.GUARD_NOTICE, audiences.moderators(None))],
            subject_type="resource",
            subject_id=resource.id,
            detail={"file": version.original_filename, "labels": ", ".join(labels)},
            dedupe_key=f"guard_held:{version.id}",
        )
    elif resource.guard_held and not any(_has_strong_finding(v) for v in current):
        resource.status, resource.status_reason = ResourceStatus.PUBLISHED, None
        resource.guard_held = False
        audit.record(
            db,
            actor=None,
            action="resource_released_by_guard",
            subject=None,
            subject_label=resource.title,
            reason="The held file was replaced by one without strong identifiers.",
            before={"status": "hidden"},
            after={"status": "published"},
        )
    db.flush()
