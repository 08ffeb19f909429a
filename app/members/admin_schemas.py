"""Request and response bodies of the admin API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.members.models import MemberRole, MemberStatus, OrganisationKind
from app.web.pagination import CursorPageOut


class AdminMemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    display_name: str
    email: str | None
    email_verified: bool
    role: MemberRole
    status: MemberStatus
    status_reason: str | None
    suspended_until: datetime | None
    organisation_id: str | None
    is_admin: bool
    is_moderator: bool
    is_champion: bool
    is_recruiter: bool
    is_organisation_admin: bool
    duplicate_of_id: str | None
    joined_at: datetime
    last_seen_at: datetime | None


class AdminMemberPage(CursorPageOut):
    members: list[AdminMemberOut]


class IdentityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    provider_name: str
    issuer: str
    subject: str
    claims: dict[str, Any]
    created_at: datetime
    last_sign_in_at: datetime


class AdminMemberDetailOut(AdminMemberOut):
    identities: list[IdentityOut]


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=1000)


class SuspendBody(Reason):
    until: AwareDatetime | None = Field(
        default=None, description="End of the suspension; omit to suspend indefinitely."
    )


class RoleBody(Reason):
    role: MemberRole


class OrganisationChoice(Reason):
    organisation_id: str | None


class FlagBody(Reason):
    flag: Literal["admin", "moderator", "champion", "recruiter", "organisation_admin"]
    value: bool


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    kind: OrganisationKind
    is_partner: bool
    email_domains: list[str]


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: OrganisationKind
    email_domains: list[str] = Field(default_factory=list)
    is_partner: bool = False


class OrganisationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email_domains: list[str]
    is_partner: bool


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    actor_id: str | None
    actor_name: str
    action: str
    subject_member_id: str | None
    subject_name: str
    reason: str | None
    before: dict[str, Any]
    after: dict[str, Any]


class AuditPage(CursorPageOut):
    entries: list[AuditEntryOut]
