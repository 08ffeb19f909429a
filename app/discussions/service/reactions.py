"""Reactions to a post (helpful, thanks), one of each kind per member."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.discussions.models import Post, Reaction, ReactionKind
from app.discussions.service._common import _load_post
from app.errors import InvalidAction, InvalidInput
from app.members.models import Member
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.policy import check_react_permission


def react(db: Session, *, actor: Member, post_id: str, kind: str, on: bool = True) -> Post:
    try:
        reaction_kind = ReactionKind(kind)
    except ValueError:
        raise InvalidInput({"kind": "Choose helpful or thanks."}) from None
    post, thread = _load_post(db, actor, post_id)
    check_react_permission(actor, thread, post)
    existing = db.get(Reaction, (post.id, actor.id, reaction_kind.value))
    word = "helpful" if reaction_kind == ReactionKind.HELPFUL else "thanked"
    if on:
        if existing is not None:
            raise InvalidAction(
                f"You have already marked this post as {word}; each member can once."
                if reaction_kind == ReactionKind.HELPFUL
                else "You have already thanked the author for this post."
            )
        db.add(Reaction(post_id=post.id, member_id=actor.id, kind=reaction_kind.value))
        if post.author_id is not None:
            announce(
                db,
                parts=[(NotificationKind.REACTION, audiences.members(post.author_id))],
                subject_type="post",
                subject_id=post.id,
                actor_id=actor.id,
                detail={"reaction": reaction_kind.value},
            )
    else:
        if existing is None:
            raise InvalidAction(f"You had not marked this post as {word}.")
        db.delete(existing)
    db.flush()
    return post
