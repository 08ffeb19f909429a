"""A file kept from a form that was shown again with errors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, new_id, utcnow


class StagedUpload(Base):
    """A file a member chose on a form that was then shown again with errors: checked like
    any upload and kept in the file store, so the form can say "already attached" instead of
    asking for it again. Only its uploader, in the same signed-in session, can use it
    (app/policy/uploads.py); the worker removes it when it expires (app/uploads/staging.py)."""

    __tablename__ = "staged_upload"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    session_hash: Mapped[str] = mapped_column(
        ForeignKey("web_session.token_hash", ondelete="CASCADE"), index=True
    )
    storage_key: Mapped[str] = mapped_column(String(80), index=True)
    original_filename: Mapped[str] = mapped_column(String(200))
    file_type: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
