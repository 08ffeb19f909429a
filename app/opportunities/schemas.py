"""Opportunities as forms and the API send them, and as the API answers."""

from __future__ import annotations

import re
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.guard.schemas import GuardChoice
from app.opportunities.models import OpportunityKind, WorkLocation
from app.web.pagination import CursorPageOut

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WEB = re.compile(r"^https://[^\s/$.?#].[^\s]*$")


FIELD_LABELS = {
    "title": "Job title",
    "organisation_id": "Organisation",
    "kind": "Kind of opportunity",
    "team": "Team",
    "practice_area": "Area of practice",
    "pay": "Pay",
    "hours": "Hours",
    "location": "Where the work is",
    "place": "Place",
    "closing_date": "Closing date",
    "apply_url": "Web address to apply",
    "apply_email": "E-mail address to apply",
    "description": "Description",
}
"""The form's labels, for errors in plain words (app/web/forms.plain_field_errors)."""


class OpportunityData(GuardChoice):
    """How to apply is one of a web address (the council's own application page) or an
    e-mail address. ``organisation_id`` left out means the poster's own organisation. The
    title and description go through the anonymisation guard (a placement or a secondment
    can be described with a case example)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200)
    organisation_id: str | None = Field(default=None, max_length=36)
    kind: OpportunityKind
    team: str | None = Field(default=None, max_length=200)
    practice_area: str | None = Field(default=None, max_length=120)
    pay: str | None = Field(default=None, max_length=200)
    hours: str | None = Field(default=None, max_length=200)
    location: WorkLocation
    place: str | None = Field(default=None, max_length=200)
    closing_date: date
    apply_url: str | None = Field(default=None, max_length=1000)
    apply_email: str | None = Field(default=None, max_length=320)
    description: str = Field(min_length=1, max_length=20_000)

    @field_validator(
        "organisation_id",
        "team",
        "practice_area",
        "pay",
        "hours",
        "place",
        "apply_url",
        "apply_email",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("apply_url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        if url is not None and not _WEB.match(url):
            raise ValueError("must be a web address starting with https://")
        return url

    @field_validator("apply_email")
    @classmethod
    def _email_address(cls, email: str | None) -> str | None:
        if email is not None and not _EMAIL.match(email):
            raise ValueError("must be an e-mail address, like jobs@council.gov.uk")
        return email

    @model_validator(mode="after")
    def _one_way_to_apply(self) -> OpportunityData:
        if (self.apply_url is None) == (self.apply_email is None):
            raise ValueError("give either a web address or an e-mail address to apply to")
        return self


class WithdrawOpportunity(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=1000)


class OpportunityOut(BaseModel):
    id: str
    title: str
    organisation_id: str
    organisation: str
    kind: OpportunityKind
    team: str | None
    practice_area: str | None
    pay: str | None
    hours: str | None
    location: WorkLocation
    place: str | None
    closing_date: date
    closes_at: datetime
    is_closed: bool
    withdrawn: bool
    apply_url: str | None
    apply_email: str | None
    description_html: str
    posted_at: datetime
    may_manage: bool


class OpportunityPage(CursorPageOut):
    opportunities: list[OpportunityOut]


class ApplyOut(BaseModel):
    """Where to go to apply: the web address or a mailto: address."""

    opportunity_id: str
    apply_to: str


class AlertData(BaseModel):
    """The list's filter, saved: a field left out matches anything."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: OpportunityKind | None = None
    organisation_id: str | None = Field(default=None, max_length=36)
    practice_area: str | None = Field(default=None, max_length=120)
    location: WorkLocation | None = None
    closing_within_week: bool = False


class AlertOut(AlertData):
    id: str
    description: str
    list_url: str
    created_at: datetime
