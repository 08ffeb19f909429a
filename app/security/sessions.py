"""Server-side sessions: a random id in the cookie, the row (keyed by its hash) in the database."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import keep_pages, utcnow
from app.members.models import Member, MemberStatus
from app.security.models import WebSession

SESSION_COOKIE = "portal_session"
SECURE_SESSION_COOKIE = "__Host-portal_session"
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def session_cookie_name(settings: Settings) -> str:
    return SECURE_SESSION_COOKIE if settings.uses_https else SESSION_COOKIE


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class ActiveSession:
    session: WebSession
    member: Member
    last_seen_due: bool = False
    """The stored last-seen time is older than LAST_SEEN_RESOLUTION: record_last_seen()."""


def start_session(
    db: Session, *, member: Member, provider_name: str, id_token: str | None, settings: Settings
) -> str:
    """Create a session row and return the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        WebSession(
            token_hash=hash_token(token),
            member_id=member.id,
            provider_name=provider_name,
            id_token=id_token,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_absolute_hours),
        )
    )
    member.last_seen_at = now
    db.flush()
    return token


def resolve_session(
    db: Session, token: str, *, settings: Settings, now: datetime | None = None
) -> ActiveSession | None:
    """The live session for a cookie value, or None when it is unknown, revoked or timed out,
    or its member may no longer sign in."""
    now = now or utcnow()
    row = db.execute(
        select(WebSession, Member)
        .join(Member, Member.id == WebSession.member_id)
        .where(WebSession.token_hash == hash_token(token))
    ).one_or_none()
    if row is None:
        return None
    web_session, member = row
    return session_is_live(web_session, member, settings=settings, now=now)


def session_is_live(
    web_session: WebSession, member: Member, *, settings: Settings, now: datetime
) -> ActiveSession | None:
    """The session as an ActiveSession, or None when it was revoked or timed out or its
    member may no longer sign in."""
    idle_deadline = web_session.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    if (
        web_session.revoked_at is not None
        or now >= web_session.expires_at
        or now >= idle_deadline
        or member.status != MemberStatus.ACTIVE
    ):
        return None
    due = now - web_session.last_seen_at >= LAST_SEEN_RESOLUTION
    return ActiveSession(session=web_session, member=member, last_seen_due=due)


def record_last_seen(db: Session, active: ActiveSession, *, now: datetime | None = None) -> None:
    """Move the session's and the member's last-seen time on. Two single-row updates, so
    the request that does it holds the write lock for a moment, apart from its reads."""
    now = now or utcnow()
    keep_pages(db)
    db.execute(
        update(WebSession)
        .where(WebSession.token_hash == active.session.token_hash)
        .values(last_seen_at=now)
    )
    db.execute(update(Member).where(Member.id == active.member.id).values(last_seen_at=now))
    active.session.last_seen_at = now
    active.member.last_seen_at = now


def revoke_session(db: Session, token: str) -> WebSession | None:
    web_session = db.get(WebSession, hash_token(token))
    if web_session is not None and web_session.revoked_at is None:
        web_session.revoked_at = utcnow()
        db.flush()
    return web_session


def revoke_member_sessions(db: Session, member_id: str) -> None:
    db.execute(
        update(WebSession)
        .where(WebSession.member_id == member_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
