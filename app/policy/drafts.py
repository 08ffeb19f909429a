"""Who may see and change a draft: only the member writing it."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from app.drafts.models import Draft
from app.errors import NotFound
from app.members.models import Member


def check_own_draft_permission(viewer: Member, draft: Draft | None) -> Draft:
    """Anyone else's draft (an admin's view included) does not exist: 404."""
    if draft is None or draft.member_id != viewer.id:
        raise NotFound("There is no such draft.")
    return draft


def own_drafts_filter(viewer: Member) -> ColumnElement[bool]:
    return Draft.member_id == viewer.id
