"""The privacy pages' forms."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.privacy.models import ResourceFate


class ClosureForm(BaseModel):
    reason: str = Field(default="", max_length=2000)


class ErasureForm(BaseModel):
    remove_content: bool = False
    resources: ResourceFate = ResourceFate.ORGANISATION
    reason: str = Field(default="", max_length=2000)
    confirm: bool = False
