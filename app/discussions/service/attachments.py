"""Files attached to a post when it is written: checked and stored by the resource
library's upload checks and file store (one allow-list, one size limit, one store), images
with the alt text their author must give; downloads decided by the policy. A document's
text is read by the worker and goes through the anonymisation guard (attachment_jobs.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.discussions.models import ALT_TEXT_MAX_LENGTH, Post, PostAttachment, Thread
from app.errors import InvalidInput, NotFound
from app.members.models import Member
from app.outbox.service import enqueue
from app.policy import check_download_post_attachment_permission
from app.resources.filetypes import FILE_TYPES, IMAGE_TYPES
from app.resources.service import CheckedUploads, Upload
from app.resources.storage import FileStorage

MAX_ATTACHMENTS_PER_POST = 3
ATTACHMENT_EXTRACT_TOPIC = "discussions.attachment_extract"


@dataclass(frozen=True)
class AttachmentUpload:
    """One filled-in slot of the form: the file and the alt text typed beside it."""

    slot: int
    upload: Upload
    alt_text: str = ""


@dataclass(frozen=True)
class Attaching:
    """What a new post brings with it, and where its files go."""

    storage: FileStorage
    max_bytes: int
    files: list[AttachmentUpload] = field(default_factory=list)

    def alt_texts(self) -> dict[str, str]:
        """The alt texts by field name, for the anonymisation guard beside the post's text."""
        return {f"alt_text_{item.slot}": item.alt_text.strip() for item in self.files}


def alt_text_field(slot: int) -> str:
    return f"alt_text_{slot}"


def stage_attachments(attaching: Attaching | None) -> CheckedUploads | None:
    """The attachments checked and staged, or InvalidInput naming the field to fix; staged
    files wait for ``keep`` (after the post's rows are flushed) or ``discard``."""
    if attaching is None or not attaching.files:
        return None
    if len(attaching.files) > MAX_ATTACHMENTS_PER_POST:
        raise InvalidInput(
            {"attachments": f"Attach at most {MAX_ATTACHMENTS_PER_POST} files to one post."}
        )
    too_long = {
        alt_text_field(item.slot): f"The description must be {ALT_TEXT_MAX_LENGTH} characters "
        "or fewer"
        for item in attaching.files
        if len(item.alt_text.strip()) > ALT_TEXT_MAX_LENGTH
    }
    if too_long:
        raise InvalidInput(too_long)
    try:
        checked = CheckedUploads(
            attaching.storage,
            [item.upload for item in attaching.files],
            max_bytes=attaching.max_bytes,
        )
    except InvalidInput as refused:
        message = next(iter(refused.errors.values()), "This file cannot be attached.")
        raise InvalidInput({"attachments": message}) from None
    missing = {
        alt_text_field(item.slot): f"Describe the image “{file.filename}” for someone who "
        "cannot see it"
        for item, file in zip(attaching.files, checked.files, strict=True)
        if file.file_type in IMAGE_TYPES and not item.alt_text.strip()
    }
    if missing:
        checked.discard()
        raise InvalidInput(missing)
    return checked


def add_attachments(
    db: Session,
    *,
    post: Post,
    actor: Member,
    attaching: Attaching,
    checked: CheckedUploads,
) -> list[PostAttachment]:
    """Rows for the staged files (flushed), each document queued for the worker to read;
    the caller keeps the staged files once everything else is flushed."""
    rows = []
    for position, (item, file) in enumerate(zip(attaching.files, checked.files, strict=True)):
        readable = FILE_TYPES[file.file_type].extractable
        row = PostAttachment(
            post_id=post.id,
            position=position,
            storage_key=file.staged.sha256,
            original_filename=file.filename,
            file_type=file.file_type,
            content_type=file.content_type,
            size=file.staged.size,
            alt_text=item.alt_text.strip() if file.file_type in IMAGE_TYPES else None,
            uploaded_by_id=actor.id,
            extraction_status="pending" if readable else "not_applicable",
        )
        db.add(row)
        rows.append(row)
    db.flush()
    for row in rows:
        if row.extraction_status == "pending":
            enqueue(db, topic=ATTACHMENT_EXTRACT_TOPIC, payload={"attachment_id": row.id})
    return rows


@dataclass(frozen=True)
class AttachmentDownload:
    path: Path
    filename: str
    content_type: str
    size: int
    is_image: bool


def download_attachment(
    db: Session, *, storage: FileStorage, viewer: Member, attachment_id: str
) -> AttachmentDownload:
    row = db.execute(
        select(PostAttachment, Post, Thread)
        .join(Post, Post.id == PostAttachment.post_id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(PostAttachment.id == attachment_id)
    ).one_or_none()
    if row is None:
        raise NotFound("There is no such file.")
    attachment, post, thread = row
    check_download_post_attachment_permission(viewer, thread, post, attachment)
    if not storage.exists(attachment.storage_key):
        raise NotFound("The file is missing from storage.")
    return AttachmentDownload(
        path=storage.path_of(attachment.storage_key),
        filename=attachment.original_filename,
        content_type=attachment.content_type,
        size=attachment.size,
        is_image=attachment.is_image,
    )
