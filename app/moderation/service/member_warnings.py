"""A member's own warnings."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.members.models import Member
from app.moderation.models import MemberWarning


def my_warnings(db: Session, *, member: Member) -> list[MemberWarning]:
    return list(
        db.execute(
            select(MemberWarning)
            .where(MemberWarning.member_id == member.id)
            .order_by(MemberWarning.created_at.desc())
        ).scalars()
    )
