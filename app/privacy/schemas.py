"""The privacy part of the API's bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.privacy.models import ExportStatus, ResourceFate


class ExportOut(BaseModel):
    """An export the worker builds; ``download_url`` once it is ready."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    status: ExportStatus
    created_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None
    size: int | None
    download_url: str | None = None


class ClosureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=2000)


class ClosureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    requested_at: datetime
    reason: str | None


class ErasureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    remove_content: bool = False
    resources: ResourceFate = ResourceFate.ORGANISATION
    reason: str = Field(default="", max_length=2000)


class ErasureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    pseudonym: str
    erased_at: datetime
    removed_content: bool
    resources: ResourceFate
