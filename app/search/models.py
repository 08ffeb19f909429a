"""Synonym groups that admins add in the admin area, on top of search/synonyms.json."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, new_id, utcnow


class SearchSynonym(Base):
    """One group of equivalent terms (lower case), e.g. ["sw", "social worker"]."""

    __tablename__ = "search_synonym"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    terms: Mapped[list[str]] = mapped_column(JSON)
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
