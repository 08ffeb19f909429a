"""CPD entries and invitations as forms and the API send them, and as the API answers."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.cpd.models import CpdKind, CpdStatus, LinkedItem, ReflectionStatus
from app.guard.schemas import GuardChoice


class CpdEntryData(GuardChoice):
    """A draft may be saved with only a title and a date; recording it (``record``)
    needs what the regulator asks for: what was learned and how it changes practice."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200)
    happened_on: date
    kind: CpdKind
    hours: float | None = Field(default=None, ge=0, le=999)
    learning: str = Field(default="", max_length=10_000)
    impact: str = Field(default="", max_length=10_000)
    record: bool = Field(
        default=False, description="Record the entry (it then counts); false keeps a draft."
    )
    item_type: LinkedItem | None = None
    item_id: str | None = Field(default=None, max_length=36)

    @field_validator("hours", "item_type", "item_id", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


class InvitationData(GuardChoice):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    colleague: str = Field(
        min_length=1, max_length=320, description="The colleague's @handle or e-mail address."
    )
    question: str = Field(min_length=1, max_length=2_000)


class NoteData(GuardChoice):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str = Field(min_length=1, max_length=5_000)


class ReflectionOut(BaseModel):
    id: str
    colleague: str
    status: ReflectionStatus
    question: str
    note: str | None
    invited_at: datetime
    answered_at: datetime | None


class CpdEntryOut(BaseModel):
    id: str
    title: str
    happened_on: date
    kind: CpdKind
    hours: float | None
    learning: str
    impact: str
    status: CpdStatus
    registration_year: str
    item_type: LinkedItem | None
    item_id: str | None
    reflections: list[ReflectionOut]


class ProgressOut(BaseModel):
    registration_year: str
    starts_on: date
    ends_on: date
    recorded: int
    with_peer: int
    met: bool
