"""Queue a side effect in the caller's transaction, and drain the queue in the worker.

Handlers are registered per topic by the domains that own them (search indexing,
e-mail). A row is marked done only after its handler returns; a failure is retried with
exponential backoff and, after MAX_ATTEMPTS, kept as failed for an admin to see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction, utcnow
from app.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=5)
WAIT_RETRY = timedelta(minutes=1)
LEASE = timedelta(minutes=5)
Handler = Callable[[list[dict[str, Any]]], None]


class RetryLater(Exception):
    """Raised by a handler whose side effect cannot happen yet because a server it needs is
    down (SMTP): the rows wait and are tried again every WAIT_RETRY; the wait is not an
    attempt, so an outage of any length delays them but never fails or loses them."""


def enqueue(
    db: Session, *, topic: str, payload: dict[str, Any], not_before: datetime | None = None
) -> OutboxMessage:
    """Queue a side effect in the caller's transaction; ``not_before`` delays it (reminders)."""
    message = OutboxMessage(topic=topic, payload=payload, available_at=not_before or utcnow())
    db.add(message)
    db.flush()
    return message


def backoff_for(attempts: int) -> timedelta:
    return BASE_BACKOFF * (2 ** min(attempts - 1, 10))


def drain_once(
    factory: sessionmaker[Session],
    handlers: dict[str, Handler],
    *,
    batch_size: int = 100,
    lease: timedelta = LEASE,
) -> int:
    """Claim one batch of due rows, hand each topic's payloads to its handler, record the
    outcome. Returns how many rows were handled successfully. Rows of topics this worker
    has no handler for wait, and are handled once a worker that has one runs.

    Claiming and recording are two short transactions; handlers run between them, outside
    any transaction, so a slow side effect (a file read, Meilisearch, SMTP) never holds a
    database lock. A claimed row is leased: if the worker dies, it is due again when the
    lease ends, so nothing is lost (a handler may see a payload twice, never zero times)."""
    with transaction(factory) as db:
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.topic.in_(list(handlers)),
                OutboxMessage.processed_at.is_(None),
                OutboxMessage.failed_at.is_(None),
                OutboxMessage.available_at <= utcnow(),
            )
            .order_by(OutboxMessage.id)
            .limit(batch_size)
        )
        if db.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        claimed: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for message in db.execute(query).scalars():
            message.available_at = utcnow() + lease
            claimed.setdefault(message.topic, []).append((message.id, message.payload))
    if not claimed:
        return 0

    outcomes: dict[int, str | None] = {}
    waiting: set[int] = set()
    for topic, batch in claimed.items():
        try:
            handlers[topic]([payload for _id, payload in batch])
            error = None
        except RetryLater as pause:
            logger.warning("outbox topic %s waits: %s", topic, pause)
            error = f"waiting: {pause}"[:2000]
            waiting.update(message_id for message_id, _payload in batch)
        except Exception as failure:
            logger.warning("outbox topic %s failed: %s", topic, failure)
            error = f"{type(failure).__name__}: {failure}"[:2000]
        outcomes.update({message_id: error for message_id, _payload in batch})

    with transaction(factory) as db:
        now = utcnow()
        for message in db.execute(
            select(OutboxMessage).where(OutboxMessage.id.in_(outcomes))
        ).scalars():
            error = outcomes[message.id]
            if message.id in waiting:
                message.last_error = error
                message.available_at = now + WAIT_RETRY
                continue
            message.attempts += 1
            if error is None:
                message.processed_at = now
            else:
                message.last_error = error
                if message.attempts >= MAX_ATTEMPTS:
                    message.failed_at = now
                else:
                    message.available_at = now + backoff_for(message.attempts)
    return sum(1 for error in outcomes.values() if error is None)
