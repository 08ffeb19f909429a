"""Saving, listing, resuming and discarding drafts. A view saves a draft in its own short
transaction when a form is refused (the request's own rolls back on the 422), or when the
page saves it in the background; publishing discards it in the request's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import new_id, utcnow
from app.drafts.models import Draft, DraftKind
from app.members.models import Member
from app.policy.drafts import check_own_draft_permission, own_drafts_filter

MAX_FIELD_CHARS = 20_000
MAX_DRAFTS_LISTED = 100


def _cleaned(fields: dict[str, Any]) -> dict[str, Any]:
    """Text values and lists of text only, each cut to a sane length."""
    kept: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, str):
            kept[name] = value[:MAX_FIELD_CHARS]
        elif isinstance(value, list):
            kept[name] = [str(item)[:200] for item in value][:50]
    return kept


def _looks_like_an_id(value: str | None) -> bool:
    return (
        bool(value)
        and len(value or "") == 36
        and all(ch in "0123456789abcdef-" for ch in value or "")
    )


def save_draft(
    db: Session,
    *,
    actor: Member,
    kind: DraftKind,
    fields: dict[str, Any],
    draft_id: str | None = None,
    title: str | None = None,
    in_background: bool = False,
) -> Draft | None:
    """Update the actor's own draft ``draft_id``, or start one (under ``draft_id`` when it
    is new: a refused form names its draft before saving it). Someone else's id starts a
    new draft under a new id, revealing nothing.

    A form's background save (``in_background``) never starts a draft under an id it
    names: that id is no longer the actor's draft because it was published or discarded
    since the form named it, and a save that arrives late (sent just before the form was
    submitted) must not bring it back. Nothing is saved and None is returned."""
    draft = db.get(Draft, draft_id) if draft_id else None
    if draft is None or draft.member_id != actor.id or draft.kind != kind:
        if in_background and draft_id:
            return None
        fresh_id = draft_id if draft is None and _looks_like_an_id(draft_id) else new_id()
        draft = Draft(id=fresh_id, member_id=actor.id, kind=kind, title="", fields={})
        db.add(draft)
    cleaned = _cleaned(fields)
    draft.fields = cleaned
    draft.title = (title or str(cleaned.get("title") or "").strip() or "Untitled")[:200]
    draft.updated_at = utcnow()
    db.flush()
    return draft


def get_draft(db: Session, *, viewer: Member, draft_id: str) -> Draft:
    return check_own_draft_permission(viewer, db.get(Draft, draft_id))


def list_drafts(db: Session, *, viewer: Member) -> list[Draft]:
    return list(
        db.execute(
            select(Draft)
            .where(own_drafts_filter(viewer))
            .order_by(Draft.updated_at.desc())
            .limit(MAX_DRAFTS_LISTED)
        ).scalars()
    )


def discard_draft(db: Session, *, actor: Member, draft_id: str | None) -> None:
    """Publishing or discarding: the actor's own draft goes; anything else is ignored."""
    if not draft_id:
        return
    draft = db.get(Draft, draft_id)
    if draft is not None and draft.member_id == actor.id:
        db.delete(draft)
        db.flush()


# The compose form's attachment slots: the ids of files kept for it (usable only in the
# session that kept them, app/policy/uploads.py) and the alt texts typed beside them.
ATTACHMENT_SLOT_FIELDS = tuple(
    f"{name}_{slot}" for slot in (1, 2, 3) for name in ("staged", "alt_text")
)

# What a background save may keep for each kind of writing (the form's own fields).
SAVED_FIELDS: dict[DraftKind, tuple[str, ...]] = {
    DraftKind.THREAD: (
        "category_id",
        "title",
        "body",
        "is_question",
        "topics",
        *ATTACHMENT_SLOT_FIELDS,
    ),
    DraftKind.REPLY: ("body", "thread_id", *ATTACHMENT_SLOT_FIELDS),
}
