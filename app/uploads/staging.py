"""Files kept from a form that was shown again with errors.

A browser forgets a chosen file whenever a form comes back, so a file that passed the
upload checks is kept at once, in its own short transaction (the request's own unit of work
rolls back on the 422 that shows the errors), and the form lists it as "already attached".
Each kept file belongs to one member in one signed-in session (app/policy/uploads.py);
it is used up when the resource, version or post is saved, and the worker removes what is
left after STAGED_UPLOAD_LIFETIME (docs/decisions.md, record 28). The checks are the
resource library's (one allow-list, one size limit, one store for every domain).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.discussions.models import PostAttachment
from app.errors import InvalidInput
from app.policy.uploads import StagedUploadHolder, staged_uploads_filter
from app.resources.models import FileVersion
from app.resources.service.uploads import CheckedUploads, Upload
from app.resources.storage import FileStorage
from app.security.models import WebSession
from app.uploads.models import StagedUpload

STAGED_UPLOAD_LIFETIME = timedelta(hours=24)
# A stored file written this recently is left alone by the clean-up even when nothing
# refers to it yet: an upload of the same content may be between storing and its row.
RECENTLY_WRITTEN_SECONDS = 15 * 60


@dataclass
class KeptUploads:
    """The ids of the files kept, and what was wrong with the ones refused."""

    ids: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def keep_uploads(
    db: Session,
    *,
    storage: FileStorage,
    holder: StagedUploadHolder,
    uploads: list[Upload],
    max_bytes: int,
    now: datetime | None = None,
) -> KeptUploads:
    """Check each chosen file like any upload (content, type, size) and keep the good ones
    for ``holder``; a refused file is reported, the others are still kept."""
    now = now or utcnow()
    kept = KeptUploads()
    for upload in uploads:
        try:
            checked = CheckedUploads(storage, [upload], max_bytes=max_bytes)
        except InvalidInput as error:
            kept.refused.append(error.errors["files"])
            continue
        item = checked.files[0]
        try:
            checked.keep()
        except BaseException:
            checked.discard()
            raise
        row = StagedUpload(
            member_id=holder.member_id,
            session_hash=holder.session_hash,
            storage_key=item.staged.sha256,
            original_filename=item.filename,
            file_type=item.file_type,
            content_type=item.content_type,
            size=item.staged.size,
            created_at=now,
            expires_at=now + STAGED_UPLOAD_LIFETIME,
        )
        db.add(row)
        db.flush()
        kept.ids.append(row.id)
    return kept


def staged_uploads(
    db: Session, *, holder: StagedUploadHolder, ids: list[str], now: datetime | None = None
) -> list[StagedUpload]:
    """The holder's own kept files among ``ids``, oldest first; anyone else's id (or an
    expired one) is ignored, as if it did not exist."""
    if not ids:
        return []
    return list(
        db.execute(
            select(StagedUpload)
            .where(StagedUpload.id.in_(ids[:50]), staged_uploads_filter(holder, now or utcnow()))
            .order_by(StagedUpload.created_at, StagedUpload.original_filename)
        ).scalars()
    )


def remove_expired_staged_uploads(
    db: Session, *, storage: FileStorage, now: datetime | None = None
) -> int:
    """The worker's clean-up: kept files past their time, or whose session has ended, go;
    a stored file goes with them unless a resource's version, a post's file or another
    kept file has the same content. Returns how many kept files were removed."""
    now = now or utcnow()
    ended_sessions = select(WebSession.token_hash).where(
        or_(WebSession.revoked_at.is_not(None), WebSession.expires_at <= now)
    )
    condition = or_(StagedUpload.expires_at <= now, StagedUpload.session_hash.in_(ended_sessions))
    keys = set(db.execute(select(StagedUpload.storage_key).where(condition)).scalars())
    removed = int(getattr(db.execute(delete(StagedUpload).where(condition)), "rowcount", 0) or 0)
    db.flush()
    for key in sorted(keys):
        still_used = db.execute(
            select(
                exists().where(FileVersion.storage_key == key)
                | exists().where(PostAttachment.storage_key == key)
                | exists().where(StagedUpload.storage_key == key)
            )
        ).scalar_one()
        if not still_used:
            storage.remove(key, unchanged_for=RECENTLY_WRITTEN_SECONDS)
    return removed
