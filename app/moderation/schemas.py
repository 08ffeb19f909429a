"""Reports, queue actions and warnings as JSON."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.guard.schemas import GuardChoice
from app.moderation.models import ReportReason, ReportStatus, ReportTarget
from app.moderation.service import MESSAGE_MAX_LENGTH, NOTE_MAX_LENGTH
from app.web.pagination import CursorPageOut


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReportCreate(_Strict, GuardChoice):
    kind: str = Field(max_length=20, description="thread, post, resource or event")
    id: str = Field(max_length=36, description="The id of the thread, post, resource or event")
    reason: str = Field(
        max_length=20, description="identifying, offensive, spam, misinformation or other"
    )
    note: str = Field(default="", max_length=NOTE_MAX_LENGTH)


class ReasonBody(_Strict):
    reason: str | None = Field(default=None, max_length=MESSAGE_MAX_LENGTH)


class SuspendBody(ReasonBody):
    until: datetime | None = None


class MessageBody(_Strict):
    message: str | None = Field(default=None, max_length=MESSAGE_MAX_LENGTH)


class EditBody(_Strict):
    body: str | None = Field(default=None, description="The post's new text (Markdown)")
    note: str | None = Field(default=None, max_length=MESSAGE_MAX_LENGTH)


class ReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    created_at: datetime
    target_kind: ReportTarget
    target_id: str
    target_label: str
    target_url: str
    group_id: str | None
    reason: ReportReason
    note: str
    status: ReportStatus
    outcome: str | None
    handled_at: datetime | None
    handled_note: str | None


class QueueOut(CursorPageOut):
    open: int
    reports: list[ReportOut]


class SpamRemovalOut(BaseModel):
    report: ReportOut
    threads: int
    posts: int
    resources: int
    events: int
    suspended: bool


class WarningOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    created_at: datetime
    about: str
    message: str
