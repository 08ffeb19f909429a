"""Members' data rights as the pages and the API ask for them: exports (built at once, or
by the worker when large), requests to close an account, and what the admin pages show."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.config import Settings
from app.db import utcnow
from app.errors import InvalidAction, NotFound
from app.members.models import Member
from app.outbox.service import enqueue
from app.policy.privacy import (
    check_download_export_permission,
    check_export_member_data_permission,
    check_manage_members_data_permission,
    check_request_closure_permission,
)
from app.privacy.export import export_weight, write_export
from app.privacy.models import ClosureRequest, DataExport, ExportStatus
from app.privacy.retention import export_path
from app.resources.storage import FileStorage

EXPORT_TOPIC = "privacy.export"


@dataclass(frozen=True)
class ExportRequest:
    """Either the archive, ready to send (``file``), or the export the worker will build."""

    member: Member
    file: BinaryIO | None = None
    size: int = 0
    queued: DataExport | None = None


def _member(db: Session, member_id: str) -> Member:
    member = db.get(Member, member_id)
    if member is None:
        raise NotFound("There is no such member.")
    return member


def file_name(member: Member, when: datetime) -> str:
    return f"portal-data-{member.id[:8]}-{when:%Y%m%d}.zip"


def request_export(
    db: Session,
    *,
    actor: Member,
    member_id: str,
    storage: FileStorage,
    settings: Settings,
) -> ExportRequest:
    """Build the archive into a temporary file now, or queue it for the worker when it is
    large. An admin's export of someone else's data is audited."""
    subject = _member(db, member_id)
    check_export_member_data_permission(actor, subject)
    if actor.id != subject.id:
        audit.record(db, actor=actor, action="member.data_exported", subject=subject)
    if export_weight(db, subject.id) > settings.export_inline_max_items:
        export = DataExport(member_id=subject.id, requested_by_id=actor.id)
        db.add(export)
        db.flush()
        enqueue(db, topic=EXPORT_TOPIC, payload={"export_id": export.id})
        return ExportRequest(member=subject, queued=export)
    target = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response that sends it
    try:
        size = write_export(db, storage, subject.id, target, when=utcnow())
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return ExportRequest(member=subject, file=target, size=size)


def queued_export(db: Session, export_id: str) -> tuple[str, str] | None:
    """(export id, member id) of an export still to build, or None."""
    export = db.get(DataExport, export_id)
    if export is None or export.status != ExportStatus.QUEUED:
        return None
    return export.id, export.member_id


def write_export_file(
    db: Session, *, export_id: str, member_id: str, storage: FileStorage, settings: Settings
) -> int:
    """The worker's part: write the archive where the download finds it (a read-only
    transaction: on SQLite the worker reads without the write lock, see worker_tasks)."""
    path = export_path(settings, export_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with partial.open("wb") as target:
        size = write_export(db, storage, member_id, target, when=utcnow())
    partial.replace(path)
    return size


def mark_export_ready(db: Session, *, export_id: str, size: int, settings: Settings) -> None:
    export = db.get(DataExport, export_id)
    if export is None:  # the member was erased meanwhile
        export_path(settings, export_id).unlink(missing_ok=True)
        return
    now = utcnow()
    export.status, export.size = ExportStatus.READY, size
    export.ready_at, export.expires_at = now, now + timedelta(days=settings.export_days)


def fail_export(db: Session, *, export_id: str, error: str, settings: Settings) -> None:
    export = db.get(DataExport, export_id)
    if export is not None:
        export.status, export.error = ExportStatus.FAILED, error[:2000]
        export.expires_at = utcnow() + timedelta(days=settings.export_days)


def list_exports(db: Session, *, actor: Member, member_id: str) -> list[DataExport]:
    subject = _member(db, member_id)
    check_export_member_data_permission(actor, subject)
    query = select(DataExport).where(DataExport.member_id == subject.id)
    if actor.id != subject.id:
        query = query.where(DataExport.requested_by_id == actor.id)
    return list(db.execute(query.order_by(DataExport.created_at.desc())).scalars())


def export_download(
    db: Session, *, actor: Member, export_id: str, settings: Settings
) -> tuple[DataExport, Path]:
    export = db.get(DataExport, export_id)
    if export is None:
        raise NotFound("There is no such export.")
    check_download_export_permission(
        actor, member_id=export.member_id, requested_by_id=export.requested_by_id
    )
    path = export_path(settings, export.id)
    if export.status != ExportStatus.READY or not path.exists():
        raise NotFound("This export is not ready, or its download time has passed.")
    if export.expires_at is not None and export.expires_at <= utcnow():
        raise NotFound("This export is not ready, or its download time has passed.")
    return export, path


# --- closing an account -------------------------------------------------------------------


def closure_request(db: Session, member: Member) -> ClosureRequest | None:
    return db.get(ClosureRequest, member.id)


def request_closure(db: Session, *, actor: Member, reason: str | None) -> ClosureRequest:
    check_request_closure_permission(db, actor)
    if db.get(ClosureRequest, actor.id) is not None:
        raise InvalidAction("You have already asked to close your account.")
    request = ClosureRequest(member_id=actor.id, reason=(reason or "").strip() or None)
    db.add(request)
    audit.record(db, actor=actor, action="member.closure_requested", subject=actor)
    return request


def withdraw_closure(db: Session, *, actor: Member) -> None:
    request = db.get(ClosureRequest, actor.id)
    if request is None:
        raise InvalidAction("You have not asked to close your account.")
    db.delete(request)
    audit.record(db, actor=actor, action="member.closure_withdrawn", subject=actor)


def decline_closure(db: Session, *, actor: Member, member_id: str, reason: str) -> None:
    check_manage_members_data_permission(actor)
    request = db.get(ClosureRequest, member_id)
    if request is None:
        raise NotFound("There is no such request.")
    db.delete(request)
    audit.record(
        db,
        actor=actor,
        action="member.closure_declined",
        subject=_member(db, member_id),
        reason=reason,
    )


@dataclass(frozen=True)
class PendingClosure:
    member: Member
    request: ClosureRequest


def pending_closures(db: Session, *, actor: Member) -> list[PendingClosure]:
    check_manage_members_data_permission(actor)
    rows = db.execute(
        select(ClosureRequest, Member)
        .join(Member, Member.id == ClosureRequest.member_id)
        .order_by(ClosureRequest.requested_at)
    ).all()
    return [PendingClosure(member=member, request=request) for request, member in rows]
