"""Files kept from a compose or edit form shown again with errors (app/uploads) becoming a
post's files. Only the member's own kept files count, in the session that kept them
(app/policy/uploads.py); an image needs the alt text typed beside it; a kept file is used
up when the post is saved, and stays kept when the post is refused."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.discussions.models import ALT_TEXT_MAX_LENGTH, Post, PostAttachment
from app.discussions.service.attachments import (
    ATTACHMENT_EXTRACT_TOPIC,
    MAX_ATTACHMENTS_PER_POST,
    alt_text_field,
)
from app.errors import InvalidInput
from app.members.models import Member
from app.outbox.service import enqueue
from app.policy.uploads import StagedUploadHolder
from app.resources.filetypes import FILE_TYPES, IMAGE_TYPES
from app.uploads.models import StagedUpload
from app.uploads.staging import staged_uploads


@dataclass(frozen=True)
class KeptChoice:
    """One slot of the form holding a kept file: its id and the alt text typed beside it."""

    slot: int
    staged_id: str
    alt_text: str = ""


@dataclass(frozen=True)
class KeptAttaching:
    """The kept files a post is to carry, and whose they must be."""

    holder: StagedUploadHolder
    choices: list[KeptChoice] = field(default_factory=list)

    def alt_texts(self) -> dict[str, str]:
        """The alt texts by field name, for the anonymisation guard beside the post's text."""
        return {alt_text_field(choice.slot): choice.alt_text.strip() for choice in self.choices}


@dataclass(frozen=True)
class KeptFile:
    choice: KeptChoice
    upload: StagedUpload

    @property
    def is_image(self) -> bool:
        return self.upload.file_type in IMAGE_TYPES


def kept_files(db: Session, kept: KeptAttaching | None) -> list[KeptFile]:
    """The holder's own kept files among the choices, by slot; anyone else's id, an expired
    one or a repeated one is left out, as if it did not exist."""
    if kept is None or not kept.choices:
        return []
    found = {
        row.id: row
        for row in staged_uploads(
            db, holder=kept.holder, ids=[choice.staged_id for choice in kept.choices]
        )
    }
    files: list[KeptFile] = []
    for choice in sorted(kept.choices, key=lambda choice: choice.slot):
        row = found.pop(choice.staged_id, None)
        if row is not None:
            files.append(KeptFile(choice, row))
    return files


def check_kept_files(files: list[KeptFile], *, already: int = 0) -> None:
    """Every problem at once: too many files for one post (``already`` are there or come
    another way), a description too long, an image without one."""
    errors: dict[str, str] = {}
    if already + len(files) > MAX_ATTACHMENTS_PER_POST:
        errors["attachments"] = f"Attach at most {MAX_ATTACHMENTS_PER_POST} files to one post."
    for item in files:
        alt_text = item.choice.alt_text.strip()
        if len(alt_text) > ALT_TEXT_MAX_LENGTH:
            errors[alt_text_field(item.choice.slot)] = (
                f"The description must be {ALT_TEXT_MAX_LENGTH} characters or fewer"
            )
        elif item.is_image and not alt_text:
            errors[alt_text_field(item.choice.slot)] = (
                f"Describe the image “{item.upload.original_filename}” for someone who "
                "cannot see it"
            )
    if errors:
        raise InvalidInput(errors)


def next_attachment_position(db: Session, post: Post) -> int:
    last = db.execute(
        select(PostAttachment.position)
        .where(PostAttachment.post_id == post.id)
        .order_by(PostAttachment.position.desc())
        .limit(1)
    ).scalar_one_or_none()
    return 0 if last is None else last + 1


def attach_kept_files(
    db: Session, *, post: Post, actor: Member, files: list[KeptFile], start: int
) -> list[PostAttachment]:
    """The post's rows for the kept files (already in the store), each document queued for
    the worker to read; the kept files are used up."""
    rows = []
    for offset, item in enumerate(files):
        readable = FILE_TYPES[item.upload.file_type].extractable
        row = PostAttachment(
            post_id=post.id,
            position=start + offset,
            storage_key=item.upload.storage_key,
            original_filename=item.upload.original_filename,
            file_type=item.upload.file_type,
            content_type=item.upload.content_type,
            size=item.upload.size,
            alt_text=item.choice.alt_text.strip() if item.is_image else None,
            uploaded_by_id=actor.id,
            extraction_status="pending" if readable else "not_applicable",
        )
        db.add(row)
        rows.append(row)
        db.delete(item.upload)
    db.flush()
    for row in rows:
        if row.extraction_status == "pending":
            enqueue(db, topic=ATTACHMENT_EXTRACT_TOPIC, payload={"attachment_id": row.id})
    return rows
