"""The search index's hook on the ground floor: a service that changes something searchable
queues its re-indexing here, in its own transaction, without importing the search domain.

The search domain's worker handler (app/search/sync.py) reads the row's current state and
sends it to Meilisearch, so the same payload seen twice or late sends the same thing."""

from __future__ import annotations

from typing import Literal, get_args

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.db import utcnow
from app.outbox.models import OutboxMessage
from app.outbox.service import enqueue

SYNC_TOPIC = "search.sync"
IndexedKind = Literal["resource", "thread", "post", "event", "member", "group", "opportunity"]
INDEXED_KINDS: tuple[str, ...] = get_args(IndexedKind)


def enqueue_sync(db: Session, *, kind: IndexedKind, id: str) -> None:
    """Queue re-indexing of one row, in the caller's transaction."""
    if kind not in INDEXED_KINDS:
        raise ValueError(f"unknown search document kind {kind!r}")
    enqueue(db, topic=SYNC_TOPIC, payload={"kind": kind, "id": id})


def enqueue_sync_many(db: Session, *, kind: IndexedKind, ids: list[str]) -> None:
    """Queue re-indexing of many rows of one kind with one statement (bulk moderation)."""
    if kind not in INDEXED_KINDS:
        raise ValueError(f"unknown search document kind {kind!r}")
    if not ids:
        return
    now = utcnow()
    db.execute(
        insert(OutboxMessage),
        [
            {
                "topic": SYNC_TOPIC,
                "payload": {"kind": kind, "id": row_id},
                "created_at": now,
                "available_at": now,
            }
            for row_id in ids
        ],
    )
