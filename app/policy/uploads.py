"""Who may use a file kept from a form shown again with errors: its uploader, in the
signed-in session that chose it, until it expires. Nobody else (an admin neither, nor the
same member in another browser) can attach, see or name it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_

from app.uploads.models import StagedUpload


@dataclass(frozen=True)
class StagedUploadHolder:
    """Who a file kept from a form belongs to: one member, in one signed-in session."""

    member_id: str
    session_hash: str


def staged_uploads_filter(holder: StagedUploadHolder, now: datetime) -> ColumnElement[bool]:
    """The SQL form of ``may_use_staged_upload``: the holder's own unexpired kept files."""
    return and_(
        StagedUpload.member_id == holder.member_id,
        StagedUpload.session_hash == holder.session_hash,
        StagedUpload.expires_at > now,
    )


def may_use_staged_upload(holder: StagedUploadHolder, staged: StagedUpload, now: datetime) -> bool:
    """A kept file is its uploader's alone, in the session that kept it, until it expires."""
    return (
        staged.member_id == holder.member_id
        and staged.session_hash == holder.session_hash
        and staged.expires_at > now
    )
