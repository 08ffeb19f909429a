"""What every signed-in request needs, read in one statement: the session, its member,
the groups whose content the member may see, the unread notifications for the header and
the page generation (app/page_cache/).

Each page used to ask three times (session and member, visible groups, unread count);
the database answers all of it as one row, with the groups and the count as scalar
subqueries correlated to the session's member, so the set-up every page pays is one
round trip however busy the server is.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import utcnow
from app.members.models import Member
from app.notifications.models import Notification
from app.notifications.service import unread_count_statement
from app.page_cache.generation import generation_value
from app.policy.content import (
    join_group_ids,
    remember_visible_groups,
    visible_group_ids_columns,
    visible_to_member_row_filter,
)
from app.security.models import WebSession
from app.security.sessions import ActiveSession, hash_token, session_is_live


@dataclass(frozen=True)
class SignedIn:
    active: ActiveSession
    unread_notifications: int
    page_generation: int | None


@functools.cache
def _signed_in_statement() -> Select[Any]:
    """Built once: building a statement of this size (and its cache key) costs more than
    the database takes to answer it."""
    theirs, open_groups = visible_group_ids_columns(WebSession.member_id)
    unread = unread_count_statement(
        member_id=WebSession.member_id,
        visible=visible_to_member_row_filter(Notification.group_id, Notification.member_id),
    )
    return (
        select(
            WebSession, Member, theirs, open_groups, unread.scalar_subquery(), generation_value()
        )
        .join(Member, Member.id == WebSession.member_id)
        .where(WebSession.token_hash == bindparam("token_hash"))
    )


def resolve_signed_in(
    db: Session, token: str, *, settings: Settings, now: datetime | None = None
) -> SignedIn | None:
    """resolve_session, with the member's visible groups remembered on the member
    (app/policy/content.py) and the unread count beside it; None as resolve_session."""
    row = db.execute(_signed_in_statement(), {"token_hash": hash_token(token)}).one_or_none()
    if row is None:
        return None
    web_session, member, their_groups, open_group_ids, unread_count, generation = row
    active = session_is_live(web_session, member, settings=settings, now=now or utcnow())
    if active is None:
        return None
    remember_visible_groups(member, join_group_ids(their_groups, open_group_ids))
    return SignedIn(
        active=active, unread_notifications=int(unread_count or 0), page_generation=generation
    )
