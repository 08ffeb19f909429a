"""The resource library: practice guides, research and tools, their files and versions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, enum_column, new_id, utcnow
from app.members.models import Member, Organisation
from app.topics.models import Topic


class ResourceType(enum.StrEnum):
    PRACTICE_GUIDE = "practice_guide"
    RESEARCH_PAPER = "research_paper"
    BRIEFING = "briefing"
    CASE_STUDY = "case_study"
    TOOL_OR_TEMPLATE = "tool_or_template"
    VIDEO = "video"
    LINK = "link"
    PRESENTATION = "presentation"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ResourceStatus(enum.StrEnum):
    PUBLISHED = "published"
    HIDDEN = "hidden"
    DELETED = "deleted"


class ExtractionStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"


resource_topic = Table(
    "resource_topic",
    Base.metadata,
    Column("resource_id", ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)


class Resource(Base):
    __tablename__ = "resource"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    type: Mapped[ResourceType] = mapped_column(enum_column(ResourceType, "resource_type"))
    audience: Mapped[str | None] = mapped_column(String(200))
    publication_year: Mapped[int | None] = mapped_column(Integer, index=True)
    authors: Mapped[str | None] = mapped_column(String(500))
    abstract: Mapped[str | None] = mapped_column(Text)
    doi: Mapped[str | None] = mapped_column(String(200))
    external_url: Mapped[str | None] = mapped_column(String(1000))
    licence_note: Mapped[str | None] = mapped_column(String(500))
    owner_id: Mapped[str | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    group_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[ResourceStatus] = mapped_column(
        enum_column(ResourceStatus, "resource_status"), default=ResourceStatus.PUBLISHED, index=True
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    # Hidden by the anonymisation guard (a file with a strong identifier), not by a
    # moderator: released when the file is replaced by a clean one or a moderator unhides it.
    guard_held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    download_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    owner: Mapped[Member | None] = relationship(lazy="raise")
    organisation: Mapped[Organisation | None] = relationship(lazy="raise")
    topics: Mapped[list[Topic]] = relationship(
        secondary=resource_topic, lazy="raise", order_by=Topic.name
    )
    # The files a resource offers now; a removed file keeps its versions, in removed_files.
    files: Mapped[list[ResourceFile]] = relationship(
        primaryjoin="and_(ResourceFile.resource_id == Resource.id, "
        "ResourceFile.removed_at.is_(None))",
        lazy="raise",
        order_by="ResourceFile.position",
        viewonly=True,
    )
    removed_files: Mapped[list[ResourceFile]] = relationship(
        primaryjoin="and_(ResourceFile.resource_id == Resource.id, "
        "ResourceFile.removed_at.is_not(None))",
        lazy="raise",
        order_by="ResourceFile.removed_at.desc()",
        viewonly=True,
    )


class ResourceFile(Base):
    """One file of a resource; its content lives in versions, the newest being current.

    ``name`` is what the page and a download call the file; a new version keeps it, a
    rename changes it, and each version still records the name it was uploaded under.
    A removed file stays, with its versions, as history."""

    __tablename__ = "resource_file"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    resource_id: Mapped[str] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))

    resource: Mapped[Resource] = relationship(lazy="raise")
    versions: Mapped[list[FileVersion]] = relationship(
        back_populates="file", lazy="raise", order_by="FileVersion.number.desc()"
    )

    @property
    def current(self) -> FileVersion:
        return self.versions[0]

    def download_name(self, version: FileVersion) -> str:
        """The current version downloads under the file's name; an earlier one says which
        it is ("Report (version 2).pdf"), so two downloads never share a name."""
        if version.number == self.current.number:
            return self.name
        stem, dot, extension = self.name.rpartition(".")
        if not dot:
            return f"{self.name} (version {version.number})"
        return f"{stem} (version {version.number}).{extension}"


class FileVersion(Base):
    __tablename__ = "file_version"
    __table_args__ = (UniqueConstraint("file_id", "number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    file_id: Mapped[str] = mapped_column(
        ForeignKey("resource_file.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(80), index=True)
    original_filename: Mapped[str] = mapped_column(String(200))
    file_type: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    change_note: Mapped[str | None] = mapped_column(String(500))
    uploaded_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    extraction_status: Mapped[ExtractionStatus] = mapped_column(
        enum_column(ExtractionStatus, "extraction_status"), default=ExtractionStatus.PENDING
    )
    extraction_error: Mapped[str | None] = mapped_column(String(500))
    extracted_text: Mapped[str | None] = mapped_column(Text)
    # What the guard found in the extracted text: [{"kind", "label", "text", "strong"}].
    guard_findings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    file: Mapped[ResourceFile] = relationship(back_populates="versions", lazy="raise")
    uploaded_by: Mapped[Member | None] = relationship(lazy="raise")
