"""Files attached to a post when it is written: checked and stored by the resource
library's upload checks and file store (one allow-list, one size limit, one store), images
with the alt text their author must give; downloads decided by the policy. A document's
text is read by the worker and goes through the anonymisation guard (attachment_jobs.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.db import utcnow
from app.discussions.models import ALT_TEXT_MAX_LENGTH, Post, PostAttachment, Thread
from app.errors import InvalidInput, NotFound
from app.guard.service import check_before_saving
from app.members.models import Member
from app.outbox.service import enqueue
from app.policy import (
    check_download_post_attachment_permission,
    check_release_post_attachment_permission,
    check_use_unattached_upload_permission,
)
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
    post: Post | None,
    actor: Member,
    attaching: Attaching,
    checked: CheckedUploads,
) -> list[PostAttachment]:
    """Rows for the staged files (flushed; without ``post`` they wait to be claimed), each
    document queued for the worker to read; the caller keeps the staged files once
    everything else is flushed."""
    rows = []
    for position, (item, file) in enumerate(zip(attaching.files, checked.files, strict=True)):
        readable = FILE_TYPES[file.file_type].extractable
        row = PostAttachment(
            post_id=post.id if post is not None else None,
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


def attachments_of_post(db: Session, post: Post) -> list[PostAttachment]:
    """A post's files in order, for its edit form (whose editor may see every one)."""
    return list(
        db.execute(
            select(PostAttachment)
            .where(PostAttachment.post_id == post.id)
            .order_by(PostAttachment.position, PostAttachment.created_at)
        ).scalars()
    )


UNCLAIMED_UPLOAD_HOURS = 24


def upload_attachment(db: Session, *, actor: Member, attaching: Attaching) -> PostAttachment:
    """One file uploaded through the API, checked as the form's are, waiting for the post
    that references it (``attachment_ids``). The alt text goes through the anonymisation
    guard here (a finding is a 409 to fix; there is no "post anyway" for a description)."""
    if len(attaching.files) != 1:
        raise InvalidInput({"file": "Upload one file."})
    check_before_saving(attaching.alt_texts(), post_anyway=False, reason=None)
    try:
        checked = stage_attachments(attaching)
    except InvalidInput as refused:
        names = {"attachments": "file", alt_text_field(attaching.files[0].slot): "alt_text"}
        raise InvalidInput(
            {names.get(name, name): message for name, message in refused.errors.items()}
        ) from None
    if checked is None:
        raise InvalidInput({"file": "Upload one file."})
    try:
        (row,) = add_attachments(db, post=None, actor=actor, attaching=attaching, checked=checked)
        checked.keep()
    except BaseException:
        checked.discard()
        raise
    return row


def unclaimed_uploads(
    db: Session, *, actor: Member, attachment_ids: list[str]
) -> list[PostAttachment]:
    """The actor's own uploads not yet in a post, in the order given, or InvalidInput."""
    if not attachment_ids:
        return []
    if len(set(attachment_ids)) != len(attachment_ids):
        raise InvalidInput({"attachment_ids": "Each file can be attached once."})
    if len(attachment_ids) > MAX_ATTACHMENTS_PER_POST:
        raise InvalidInput(
            {"attachment_ids": f"Attach at most {MAX_ATTACHMENTS_PER_POST} files to one post."}
        )
    found = {
        row.id: row
        for row in db.execute(
            select(PostAttachment).where(
                PostAttachment.id.in_(attachment_ids), PostAttachment.post_id.is_(None)
            )
        ).scalars()
    }
    rows = []
    for attachment_id in attachment_ids:
        row = found.get(attachment_id)
        try:
            if row is None:
                raise NotFound
            check_use_unattached_upload_permission(actor, row)
        except NotFound:
            raise InvalidInput(
                {
                    "attachment_ids": f"{attachment_id} is not a file you uploaded and have "
                    "not attached yet."
                }
            ) from None
        rows.append(row)
    return rows


def claim_uploads(db: Session, *, post: Post, uploads: list[PostAttachment], start: int) -> None:
    for offset, row in enumerate(uploads):
        row.post_id, row.position = post.id, start + offset
    db.flush()


def drop_unclaimed_uploads(db: Session) -> int:
    """Uploads never attached to a post, after UNCLAIMED_UPLOAD_HOURS (the worker's job).
    Their stored bytes stay: the store is shared by content and nothing else is removed
    from it either."""
    cutoff = utcnow() - timedelta(hours=UNCLAIMED_UPLOAD_HOURS)
    dropped = db.execute(
        delete(PostAttachment).where(
            PostAttachment.post_id.is_(None), PostAttachment.created_at < cutoff
        )
    )
    return int(getattr(dropped, "rowcount", 0) or 0)


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
        unattached = db.get(PostAttachment, attachment_id)
        if unattached is None or unattached.post_id is not None:
            raise NotFound("There is no such file.")
        check_use_unattached_upload_permission(viewer, unattached)
        attachment = unattached
    else:
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


def release_attachment(
    db: Session, *, actor: Member, attachment_id: str
) -> tuple[PostAttachment, Post]:
    """A moderator clears the guard's hold on a post's file (the passages identify nobody);
    the findings stay on the row, and the audit log says who cleared it."""
    row = db.execute(
        select(PostAttachment, Post, Thread)
        .join(Post, Post.id == PostAttachment.post_id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(PostAttachment.id == attachment_id)
    ).one_or_none()
    if row is None:
        raise NotFound("There is no such file.")
    attachment, post, thread = row
    check_release_post_attachment_permission(actor, thread, post, attachment)
    attachment.guard_held = False
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="post_attachment_released_by_moderator",
        subject=None,
        subject_label=f"File “{attachment.original_filename}” in a post"[:200],
        before={"guard_held": True},
        after={"guard_held": False},
    )
    return attachment, post
