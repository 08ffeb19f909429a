from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.guard.schemas import GuardChoice
from app.members.models import (
    PROFILE_FIELDS_WITH_VISIBILITY,
    MemberRole,
    MemberStatus,
    Visibility,
)
from app.web.pagination import CursorPageOut


class MemberSelf(BaseModel):
    """The signed-in member as the API shows them to themselves."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    display_name: str
    email: str | None
    role: MemberRole
    status: MemberStatus
    organisation_id: str | None
    job_title: str | None
    team: str | None
    bio: str | None
    is_admin: bool
    is_moderator: bool
    is_champion: bool
    joined_at: datetime


class ProfileUpdate(GuardChoice):
    """What a member may change on their own profile (the bio goes through the
    anonymisation guard)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    display_name: str = Field(min_length=1, max_length=120)
    job_title: str | None = Field(default=None, max_length=120)
    team: str | None = Field(default=None, max_length=120)
    bio: str | None = Field(default=None, max_length=1000)
    areas_of_practice: list[str] = Field(default_factory=list, max_length=30)
    visibility: dict[str, Visibility] = Field(default_factory=dict)

    @field_validator("visibility")
    @classmethod
    def _known_fields(cls, visibility: dict[str, Visibility]) -> dict[str, Visibility]:
        unknown = sorted(set(visibility) - set(PROFILE_FIELDS_WITH_VISIBILITY))
        if unknown:
            raise ValueError(f"unknown profile field {', '.join(unknown)}")
        return visibility

    @field_validator("job_title", "team", "bio")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class TopicOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str


class ProfileOut(BaseModel):
    """A profile as one member sees another: hidden fields are null."""

    id: str
    display_name: str
    handle: str | None = Field(default=None, description="Mention them in posts as @handle.")
    role: MemberRole
    organisation: str | None
    is_champion: bool
    email: str | None = None
    job_title: str | None = None
    team: str | None = None
    bio: str | None = None
    areas_of_practice: list[TopicOut] | None = None
    joined_at: datetime


class DirectoryPage(CursorPageOut):
    members: list[ProfileOut]


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=80)


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="Shown once; store it now.")
