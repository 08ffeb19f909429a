"""What the members service modules share: a member's fields as the audit log stores them,
and dates as members read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.db import LONDON
from app.members.models import Member


def _snapshot(member: Member, *fields: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in fields:
        value = getattr(member, field)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        values[field] = value
    return values


def _london_date(value: datetime) -> str:
    return value.astimezone(LONDON).strftime("%-d %B %Y")
