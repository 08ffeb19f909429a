"""Discussion categories, threads, posts, their edit history, reactions, and what each member
follows and has read.

Moderation state is data on the row (``is_pinned``, ``lock_reason``, ``hidden_reason``,
``deleted_at``); nothing a member wrote is ever removed from the database.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, new_id, utcnow
from app.members.models import Member
from app.resources.filetypes import IMAGE_TYPES
from app.topics.models import Topic

ALT_TEXT_MAX_LENGTH = 250

category_topic = Table(
    "discussion_category_topic",
    Base.metadata,
    Column(
        "category_id", ForeignKey("discussion_category.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)

thread_topic = Table(
    "discussion_thread_topic",
    Base.metadata,
    Column("thread_id", ForeignKey("discussion_thread.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)


class ReactionKind(enum.StrEnum):
    HELPFUL = "helpful"
    THANKS = "thanks"


class Category(Base):
    __tablename__ = "discussion_category"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # NULL: every member; otherwise the one group whose members may see it.
    group_id: Mapped[str | None] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    topics: Mapped[list[Topic]] = relationship(
        secondary=category_topic, lazy="raise", order_by=Topic.name
    )


class Thread(Base):
    __tablename__ = "discussion_thread"
    __table_args__ = (
        Index("ix_discussion_thread_category_activity", "category_id", "last_post_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    category_id: Mapped[str] = mapped_column(
        ForeignKey("discussion_category.id", ondelete="RESTRICT"), index=True
    )
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(150))
    # Visibility, copied from the category: NULL for all members, or one group's id.
    group_id: Mapped[str | None] = mapped_column(String(36), index=True)
    is_question: Mapped[bool] = mapped_column(Boolean, default=False)
    # No foreign key: posts are never removed, and a cycle thread <-> post would make both
    # tables harder to create and drop.
    accepted_post_id: Mapped[str | None] = mapped_column(String(36))
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    lock_reason: Mapped[str | None] = mapped_column(Text)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    deleted_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    # The number of the newest post; posts are numbered 1 (the opening post), 2, 3 ... so a
    # page of a long thread is a range of numbers, read through an index.
    last_post_number: Mapped[int] = mapped_column(Integer, default=1)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    category: Mapped[Category] = relationship(lazy="raise")
    author: Mapped[Member | None] = relationship(foreign_keys=[author_id], lazy="raise")
    topics: Mapped[list[Topic]] = relationship(
        secondary=thread_topic, lazy="raise", order_by=Topic.name
    )

    @property
    def is_locked(self) -> bool:
        return self.lock_reason is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_answered(self) -> bool:
        return self.accepted_post_id is not None


class Post(Base):
    __tablename__ = "discussion_post"
    __table_args__ = (UniqueConstraint("thread_id", "number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    thread_id: Mapped[str] = mapped_column(
        ForeignKey("discussion_thread.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    # What the member wrote, and the HTML it was rendered to and sanitized into (nh3) when
    # saved. Pages show the stored HTML; the Markdown is kept to edit and quote.
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    edit_count: Mapped[int] = mapped_column(Integer, default=0)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    # The guard's findings when the author chose "post anyway" (at the last save), else NULL.
    guard_override: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    author: Mapped[Member | None] = relationship(foreign_keys=[author_id], lazy="raise")
    attachments: Mapped[list[PostAttachment]] = relationship(
        lazy="raise", order_by="PostAttachment.position"
    )

    @property
    def is_hidden(self) -> bool:
        return self.hidden_reason is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def body_markup(self) -> Markup:
        """The stored HTML, trusted because it went through nh3 before it was stored."""
        return Markup(self.body_html)  # noqa: S704


class PostAttachment(Base):
    """A file attached to a post when it was written, kept in the resource library's file
    store (under its SHA-256) after the library's checks. Images carry the alt text their
    author gave; documents are read by the worker and held by the anonymisation guard
    (``guard_held``) when they contain a strong identifier."""

    __tablename__ = "discussion_post_attachment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # NULL while an upload through the API waits to be referenced by the post it belongs to
    # (only its uploader sees it; the worker drops it after UNCLAIMED_UPLOAD_HOURS).
    post_id: Mapped[str | None] = mapped_column(
        ForeignKey("discussion_post.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    storage_key: Mapped[str] = mapped_column(String(80), index=True)
    original_filename: Mapped[str] = mapped_column(String(200))
    file_type: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    alt_text: Mapped[str | None] = mapped_column(String(ALT_TEXT_MAX_LENGTH))
    uploaded_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # "pending", "done", "failed" or "not_applicable" (images), as for the library's files.
    extraction_status: Mapped[str] = mapped_column(String(16), default="not_applicable")
    guard_findings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    guard_held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @property
    def is_image(self) -> bool:
        return self.file_type in IMAGE_TYPES


class PostRevision(Base):
    """The text of a post (and the thread title, for an opening post) before one edit."""

    __tablename__ = "discussion_post_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_id: Mapped[str] = mapped_column(
        ForeignKey("discussion_post.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str | None] = mapped_column(String(150))
    body_markdown: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    replaced_by_id: Mapped[str | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))

    replaced_by: Mapped[Member | None] = relationship(lazy="raise")


class Reaction(Base):
    """One "helpful" and one "thanks" per member per post."""

    __tablename__ = "discussion_reaction"

    post_id: Mapped[str] = mapped_column(
        ForeignKey("discussion_post.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ThreadFollow(Base):
    __tablename__ = "discussion_thread_follow"

    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[str] = mapped_column(
        ForeignKey("discussion_thread.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CategoryFollow(Base):
    __tablename__ = "discussion_category_follow"

    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    category_id: Mapped[str] = mapped_column(
        ForeignKey("discussion_category.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ThreadRead(Base):
    """How far a member has read a thread: the highest post number they have been shown."""

    __tablename__ = "discussion_thread_read"

    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[str] = mapped_column(
        ForeignKey("discussion_thread.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_read_number: Mapped[int] = mapped_column(Integer, default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DiscussionVisit(Base):
    """When a member last came to the discussions, and the visit before that: "new since
    your last visit" is what changed after ``previous_visit_at``."""

    __tablename__ = "discussion_visit"

    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    previous_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_visit_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
