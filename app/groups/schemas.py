from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.groups.models import GroupKind, GroupRole
from app.guard.schemas import GuardChoice


class GroupCreate(GuardChoice):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=120)
    description: str = Field(max_length=2000)
    kind: GroupKind


class GroupOut(BaseModel):
    id: str
    slug: str
    name: str
    description: str
    kind: GroupKind
    member_count: int | None = None
    my_role: GroupRole | None = None


class GroupMemberOut(BaseModel):
    member_id: str
    name: str
    role: GroupRole
    joined_at: datetime


class GroupDetailOut(GroupOut):
    may_see_inside: bool
    members: list[GroupMemberOut] | None = Field(
        default=None, description="Only for those who may see inside the group."
    )
    thread_ids: list[str] | None = None
    resource_ids: list[str] | None = None
    event_ids: list[str] | None = None


class JoinBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str | None = Field(default=None, max_length=1000)


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    message: str | None = Field(default=None, max_length=1000)


class InviteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: str


class AnswerBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accept: bool


class RoleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: GroupRole


class Outcome(BaseModel):
    result: str
