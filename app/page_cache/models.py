"""The one-row counter every write moves on (app/page_cache/generation.py)."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base

THE_ROW = 1


class PageGeneration(Base):
    __tablename__ = "page_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
