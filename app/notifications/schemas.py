"""What the notifications API and the settings form take and give."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from app.notifications.kinds import KINDS, NotificationKind
from app.web.pagination import CursorPageOut

NotificationId = Annotated[int, Path(ge=1, le=2**31 - 1)]
"""Larger numbers are no notification, and would overflow the database's integer."""


class NotificationOut(BaseModel):
    id: int
    kind: NotificationKind
    text: str
    url: str
    excerpt: str | None
    created_at: datetime
    updated_at: datetime
    read: bool


class NotificationPageOut(CursorPageOut):
    unread: int
    notifications: list[NotificationOut]


class MarkedOut(BaseModel):
    marked: int
    unread: int


class PreferencesIn(BaseModel):
    """How to e-mail each kind (off, digest, immediate) and how often the digest goes.
    Omitted kinds keep their current setting. Values are checked by the service, so a form
    and the API get the same messages."""

    model_config = ConfigDict(extra="forbid")

    new_thread: str | None = None
    reply: str | None = None
    mention: str | None = None
    answer_accepted: str | None = None
    reaction: str | None = None
    booking_changed: str | None = None
    waitlist_promoted: str | None = None
    event_changed: str | None = None
    event_cancelled: str | None = None
    event_reminder: str | None = None
    group_invitation: str | None = None
    group_decision: str | None = None
    membership_decision: str | None = None
    opportunity_match: str | None = None
    guard_notice: str | None = None
    cpd_reflection_request: str | None = None
    cpd_reflection_answer: str | None = None
    cpd_reminder: str | None = None
    application_waiting: str | None = None
    warning_given: str | None = None
    digest_frequency: str | None = Field(default=None, max_length=16)

    def deliveries(self) -> dict[str, str]:
        return {
            kind.value: value for kind in KINDS if (value := getattr(self, kind.value)) is not None
        }


class PreferencesForm(PreferencesIn):
    """The settings page's form: the same fields, beside the CSRF token."""

    model_config = ConfigDict(extra="ignore")


class PreferencesOut(BaseModel):
    deliveries: dict[NotificationKind, str]
    digest_frequency: str
