"""Request and response bodies of the discussions API, and the limits both forms and API
share."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.guard.models import GuardReason
from app.members.schemas import TopicOut
from app.web.pagination import CursorPageOut

TITLE_MAX_LENGTH = 150
BODY_MAX_LENGTH = 20_000
REASON_MAX_LENGTH = 1000
CATEGORY_DESCRIPTION_MAX_LENGTH = 500
MAX_TOPICS = 5


def _normalise_body(value: str) -> str:
    # Browsers send a new line as CR LF but count it as one character.
    return value.replace("\r\n", "\n").strip()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


ATTACHMENT_IDS_DESCRIPTION = (
    "Files you uploaded with POST /api/v1/discussions/attachments and have not attached "
    "yet, in the order to show them; at most 3."
)


class ThreadCreate(_Strict):
    category_id: str = Field(min_length=1, max_length=36)
    title: str = Field(min_length=1, max_length=TITLE_MAX_LENGTH)
    body: str = Field(min_length=1, max_length=BODY_MAX_LENGTH)
    is_question: bool = False
    topics: list[str] = Field(default_factory=list, max_length=MAX_TOPICS)
    post_anyway: bool = Field(
        default=False,
        description="Save even though the anonymisation guard found passages (recorded, "
        "and queued for a moderator); needs `guard_reason`.",
    )
    guard_reason: GuardReason | None = Field(
        default=None, description="Why the author posts anyway: one of the guard's reasons."
    )
    attachment_ids: list[str] = Field(
        default_factory=list, max_length=3, description=ATTACHMENT_IDS_DESCRIPTION
    )

    _body = field_validator("body", mode="before")(lambda value: _normalise_body(str(value)))


class PostCreate(_Strict):
    body: str = Field(min_length=1, max_length=BODY_MAX_LENGTH)
    post_anyway: bool = False
    guard_reason: GuardReason | None = None
    attachment_ids: list[str] = Field(
        default_factory=list, max_length=3, description=ATTACHMENT_IDS_DESCRIPTION
    )

    _body = field_validator("body", mode="before")(lambda value: _normalise_body(str(value)))


class PostUpdate(PostCreate):
    title: str | None = Field(
        default=None,
        min_length=1,
        max_length=TITLE_MAX_LENGTH,
        description="The thread's new title; only for the opening post.",
    )
    attachment_ids: list[str] = Field(
        default_factory=list,
        max_length=3,
        description="Files you uploaded with POST /api/v1/discussions/attachments and have "
        "not attached yet, to add to the post; a post holds at most 3 files.",
    )
    remove_attachment_ids: list[str] = Field(
        default_factory=list,
        max_length=3,
        description="Files of this post to remove: they are gone from the post and from "
        "downloads at once.",
    )


class PreviewBody(_Strict):
    body: str = Field(max_length=BODY_MAX_LENGTH)
    title: str = Field(default="", max_length=TITLE_MAX_LENGTH)


class QuoteBody(_Strict):
    part: str | None = Field(
        default=None, max_length=BODY_MAX_LENGTH, description="Only this part of the post."
    )


class ReasonBody(_Strict):
    reason: str = Field(min_length=1, max_length=REASON_MAX_LENGTH)


class OptionalReason(_Strict):
    reason: str | None = Field(default=None, max_length=REASON_MAX_LENGTH)


class MoveBody(OptionalReason):
    category_id: str = Field(min_length=1, max_length=36)


class ReactionBody(_Strict):
    kind: Literal["helpful", "thanks"]


class AcceptBody(_Strict):
    post_id: str = Field(min_length=1, max_length=36)


class CategoryWrite(_Strict):
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=CATEGORY_DESCRIPTION_MAX_LENGTH)
    position: int = Field(default=0, ge=0, le=10_000)
    topics: list[str] = Field(default_factory=list, max_length=MAX_TOPICS)


# --- responses -------------------------------------------------------------------------------


class FindingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    field: str
    kind: str
    label: str
    start: int
    end: int
    text: str


class CategoryOut(BaseModel):
    id: str
    slug: str
    name: str
    description: str
    position: int
    topics: list[TopicOut]
    thread_count: int = 0
    following: bool = False


class AuthorOut(BaseModel):
    id: str | None
    display_name: str
    is_champion: bool
    organisation: str | None


class ThreadSummaryOut(BaseModel):
    id: str
    title: str
    category_id: str
    category_name: str
    author: AuthorOut
    is_question: bool
    is_answered: bool
    is_pinned: bool
    is_locked: bool
    reply_count: int
    created_at: datetime
    last_post_at: datetime
    unread: Literal["new", "new_replies", "read"] = Field(
        description="new: not opened and active since your previous visit; new_replies: "
        "replies since you last read it"
    )
    new_replies: int


class ThreadListOut(CursorPageOut):
    threads: list[ThreadSummaryOut]


class ReactionCountsOut(BaseModel):
    helpful: int
    thanks: int
    mine: list[str]


class AttachmentOut(BaseModel):
    id: str
    filename: str
    file_type: str = Field(description="From the file's content: pdf, docx, png, jpeg, ...")
    content_type: str
    size: int = Field(description="In bytes")
    is_image: bool
    alt_text: str | None = Field(description="The author's description of an image")
    download_url: str


class PostOut(BaseModel):
    id: str
    number: int
    author: AuthorOut
    created_at: datetime
    edited_at: datetime | None
    edit_count: int
    is_hidden: bool
    hidden_reason: str | None
    is_deleted: bool
    body_html: str | None = Field(description="Sanitized HTML; null if hidden or deleted")
    body_markdown: str | None
    is_accepted_answer: bool
    reactions: ReactionCountsOut
    attachments: list[AttachmentOut] = Field(
        default_factory=list,
        description="The post's files you may download (none for a hidden or deleted post, "
        "except for moderators)",
    )


class ThreadOut(BaseModel):
    id: str
    title: str
    category: CategoryOut
    topics: list[TopicOut]
    author: AuthorOut
    is_question: bool
    accepted_post_id: str | None
    is_pinned: bool
    is_locked: bool
    lock_reason: str | None
    is_deleted: bool
    reply_count: int
    created_at: datetime
    last_post_at: datetime
    following: bool


class ThreadPageOut(BaseModel):
    thread: ThreadOut
    accepted_answer: PostOut | None
    page: int
    pages: int
    posts: list[PostOut]


class RevisionOut(BaseModel):
    title: str | None
    body_markdown: str
    written_at: datetime
    replaced_at: datetime
    replaced_by: str


class PreviewOut(BaseModel):
    html: str
    findings: list[FindingOut]


class QuoteOut(BaseModel):
    markdown: str
