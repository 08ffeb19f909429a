"""The worker's reading of a post's documents, as the library reads its files: the text is
read in a limited child process (app.resources.extraction) and judged as a whole document by
the anonymisation guard (app.guard.detection.check_document). A strong identifier (an NHS
or NI number, a date of birth, a full name next to a child's age, a home address with its
postcode) holds the file: only its author and moderators can see or download it. The post's
text stays up; its own guard check happened when it was written. The text is not kept and
not indexed: attachments are not searched."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.discussions.models import PostAttachment
from app.guard.detection import check_document
from app.resources.storage import FileStorage

MAX_STORED_FINDINGS = 50


@dataclass(frozen=True)
class AttachmentJob:
    attachment_id: str
    path: Path
    kind: str


def pending_attachment_reads(
    db: Session, *, storage: FileStorage, attachment_ids: list[str]
) -> list[AttachmentJob]:
    jobs = []
    for attachment in db.execute(
        select(PostAttachment).where(
            PostAttachment.id.in_(attachment_ids), PostAttachment.extraction_status == "pending"
        )
    ).scalars():
        if storage.exists(attachment.storage_key):
            path = storage.path_of(attachment.storage_key)
            jobs.append(AttachmentJob(attachment.id, path, attachment.file_type))
        else:
            attachment.extraction_status = "failed"
    db.flush()
    return jobs


def record_attachment_text(
    db: Session, *, attachment_id: str, text: str | None, error: str | None
) -> None:
    """Hold the file when its text has a strong identifier; a file whose text cannot be
    read stays as it is (its author was told what may be attached)."""
    attachment = db.get(PostAttachment, attachment_id)
    if attachment is None:
        return
    if error is not None:
        attachment.extraction_status = "failed"
        db.flush()
        return
    check = check_document(text or "")
    attachment.extraction_status = "done"
    attachment.guard_findings = [
        {"kind": f.kind, "label": f.label, "text": f.text[:200], "strong": strong}
        for strong, findings in ((True, check.strong), (False, check.weak))
        for f in findings
    ][:MAX_STORED_FINDINGS]
    if check.strong and not attachment.guard_held:
        attachment.guard_held = True
        labels = sorted({f.label for f in check.strong})
        audit.record(
            db,
            actor=None,
            action="post_attachment_held_by_guard",
            subject=None,
            subject_label=f"File “{attachment.original_filename}” in a post"[:200],
            reason=", ".join(labels),
        )
    db.flush()
