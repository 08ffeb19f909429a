from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from app.members.models import MemberRole, MemberStatus


class MemberSelf(BaseModel):
    """The signed-in member as the API shows them to themselves."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    display_name: str
    email: str | None
    role: MemberRole
    status: MemberStatus
    organisation_id: str | None
    is_admin: bool
    is_moderator: bool
    joined_at: datetime
