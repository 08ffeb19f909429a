"""The two fields every guarded form and API body carries: post anyway, and why."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field, field_validator

from app.guard.models import GuardReason

GUARD_FIELDS = frozenset({"post_anyway", "guard_reason"})


class GuardChoice(BaseModel):
    post_anyway: bool = Field(
        default=False,
        description="Save even though the anonymisation guard found passages; needs "
        "`guard_reason`. The item is saved and queued for a moderator.",
    )
    guard_reason: GuardReason | None = Field(
        default=None, description="Why the author saves anyway: one of the guard's reasons."
    )

    @field_validator("guard_reason", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


def guard_choice_from(form: Mapping[str, Any]) -> dict[str, Any]:
    """The two fields as a browser posts them (a "Save anyway" button sends post_anyway=1)."""
    return {
        "post_anyway": str(form.get("post_anyway") or "") == "1",
        "guard_reason": str(form.get("guard_reason") or "") or None,
    }
