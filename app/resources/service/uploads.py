"""Uploads: staging and checking files (discarded unless the whole change succeeds), adding
a file version (queued for text extraction when it can be read), and adding files or new
versions to a resource."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import InvalidInput, NotFound
from app.members.models import Member
from app.outbox.service import enqueue
from app.outbox.sync import enqueue_sync
from app.policy import check_change_resource_permission
from app.resources.filetypes import FILE_TYPES, RejectedFile, check_upload, safe_filename
from app.resources.models import (
    ExtractionStatus,
    FileVersion,
    Resource,
    ResourceFile,
)
from app.resources.service._common import _load
from app.resources.service.extraction_jobs import EXTRACT_TOPIC
from app.resources.storage import FileStorage, StagedFile, TooLarge
from app.uploads.models import StagedUpload

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


@dataclass(frozen=True)
class StoredFile:
    """What a new version records about a file that passed the upload checks: one just
    received, or one kept from a form shown again with errors (a StagedUpload)."""

    storage_key: str
    size: int
    filename: str
    file_type: str
    content_type: str

    @classmethod
    def of_checked(cls, item: _Checked) -> StoredFile:
        return cls(
            item.staged.sha256, item.staged.size, item.filename, item.file_type, item.content_type
        )

    @classmethod
    def of_staged(cls, staged: StagedUpload) -> StoredFile:
        return cls(
            staged.storage_key,
            staged.size,
            staged.original_filename,
            staged.file_type,
            staged.content_type,
        )


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


def _add_version(
    db: Session,
    *,
    resource_file: ResourceFile,
    number: int,
    item: StoredFile,
    actor: Member,
    change_note: str | None,
) -> FileVersion:
    extractable = FILE_TYPES[item.file_type].extractable
    version = FileVersion(
        file_id=resource_file.id,
        number=number,
        storage_key=item.storage_key,
        original_filename=item.filename,
        file_type=item.file_type,
        content_type=item.content_type,
        size=item.size,
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


def _new_file(db: Session, *, resource: Resource, position: int, name: str) -> ResourceFile:
    resource_file = ResourceFile(resource_id=resource.id, position=position, name=name)
    db.add(resource_file)
    db.flush()
    return resource_file


def next_position(resource: Resource) -> int:
    return 1 + max((f.position for f in resource.files + resource.removed_files), default=-1)


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
    staged: list[StagedUpload] | None = None,
) -> Resource:
    """Add files, or with ``replaces_file_id`` upload a new version of one file (the earlier
    versions stay, with who uploaded them, when and why; the file keeps its name).
    ``staged`` are files kept from the same form shown again with errors; they are used up.
    Every problem is reported at once, keyed ``files`` and ``change_note``."""
    resource = _load(db, resource_id)
    check_change_resource_permission(actor, resource)
    staged = staged or []
    note = (change_note or "").strip()[:500] or None
    target = None
    errors: dict[str, str] = {}
    count = len(uploads) + len(staged)
    if replaces_file_id:
        target = next((f for f in resource.files if f.id == replaces_file_id), None)
        if target is None:
            raise NotFound("This resource has no such file.")
        if not note:
            errors["change_note"] = "Say what changed in this version"
        if count > 1:
            errors["files"] = "A new version is one file: choose one"
    if count == 0:
        errors["files"] = (
            f"Choose the new version of {target.name}" if target else "Choose a file to upload"
        )
    if count > MAX_FILES_PER_UPLOAD:
        errors["files"] = f"Upload at most {MAX_FILES_PER_UPLOAD} files at once"
    if errors:
        raise InvalidInput(errors)
    staging = _stage_uploads(storage, uploads, max_bytes=max_bytes)
    try:
        items = [StoredFile.of_staged(row) for row in staged] + [
            StoredFile.of_checked(item) for item in staging.checked
        ]
        if target is not None:
            _add_version(
                db,
                resource_file=target,
                number=max(v.number for v in target.versions) + 1,
                item=items[0],
                actor=actor,
                change_note=note,
            )
        else:
            start = next_position(resource)
            for offset, item in enumerate(items):
                resource_file = _new_file(
                    db, resource=resource, position=start + offset, name=item.filename
                )
                _add_version(
                    db,
                    resource_file=resource_file,
                    number=1,
                    item=item,
                    actor=actor,
                    change_note=note,
                )
        for row in staged:
            db.delete(row)
        resource.updated_at = utcnow()
        db.flush()
        enqueue_sync(db, kind="resource", id=resource.id)
        _commit_staged(staging)
    except BaseException:
        staging.discard()
        raise
    return _load(db, resource_id, refresh=True)


@dataclass(frozen=True)
class CheckedFile:
    """A staged upload that passed the library's checks, as another domain sees it."""

    staged: StagedFile
    filename: str
    file_type: str
    content_type: str


class CheckedUploads:
    """The library's checks (name, size limit, content sniffing, type allow-list) applied
    to another domain's uploads (discussion attachments): the files wait in staging until
    ``keep`` moves them into the store, after the caller's rows are flushed, or ``discard``
    drops them."""

    def __init__(self, storage: FileStorage, uploads: list[Upload], *, max_bytes: int) -> None:
        self._staging = _stage_uploads(storage, uploads, max_bytes=max_bytes)
        self.files = [
            CheckedFile(item.staged, item.filename, item.file_type, item.content_type)
            for item in self._staging.checked
        ]

    def keep(self) -> None:
        _commit_staged(self._staging)

    def discard(self) -> None:
        self._staging.discard()
