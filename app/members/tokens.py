"""Personal API tokens: shown once, stored as a SHA-256, acting with the member's rights."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import keep_pages, utcnow
from app.errors import InvalidAction, NotFound
from app.members.models import ApiToken, Member, MemberStatus
from app.security.sessions import hash_token

TOKEN_PREFIX = "pt_"
MAX_ACTIVE_TOKENS = 20
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_token(db: Session, *, actor: Member, name: str) -> tuple[ApiToken, str]:
    active = list_tokens(db, actor=actor, include_revoked=False)
    if len(active) >= MAX_ACTIVE_TOKENS:
        raise InvalidAction(f"You have {MAX_ACTIVE_TOKENS} tokens; revoke one first.")
    if any(token.name == name for token in active):
        raise InvalidAction(f"You already have a token named {name!r}.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        member_id=actor.id, name=name, token_hash=hash_token(secret), prefix=secret[:10]
    )
    db.add(token)
    db.flush()
    return token, secret


def list_tokens(db: Session, *, actor: Member, include_revoked: bool = True) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.member_id == actor.id)
    if not include_revoked:
        query = query.where(ApiToken.revoked_at.is_(None))
    return list(db.execute(query.order_by(ApiToken.created_at.desc())).scalars())


def revoke_token(db: Session, *, actor: Member, token_id: str) -> ApiToken:
    token = db.get(ApiToken, token_id)
    if token is None or token.member_id != actor.id:
        raise NotFound("You have no token with that id.")
    if token.revoked_at is not None:
        raise InvalidAction("That token is already revoked.")
    token.revoked_at = utcnow()
    db.flush()
    return token


def member_for_bearer(db: Session, secret: str) -> Member | None:
    row = db.execute(
        select(ApiToken, Member)
        .join(Member, Member.id == ApiToken.member_id)
        .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None))
    ).one_or_none()
    if row is None:
        return None
    token, member = row
    if member.status != MemberStatus.ACTIVE:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        keep_pages(db)
        token.last_used_at = now
    return member
