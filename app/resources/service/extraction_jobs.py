"""The text-extraction queue the worker reads: each file version that can be read is
queued under EXTRACT_TOPIC; the worker asks for the pending ones and records what the child
process read (app/resources/extraction_tasks.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.outbox.sync import enqueue_sync
from app.resources.models import ExtractionStatus, FileVersion, ResourceFile
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
    db.flush()
    resource_file = db.get(ResourceFile, version.file_id)
    if resource_file is not None:
        enqueue_sync(db, kind="resource", id=resource_file.resource_id)
