"""Queue a side effect in the caller's transaction, and drain the queue in the worker.

Handlers are registered per topic by the domains that own them (search indexing,
e-mail). A row is marked done only after its handler returns; a failure is retried with
exponential backoff and, after MAX_ATTEMPTS, kept as failed for an admin to see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction, utcnow
from app.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=5)
Handler = Callable[[list[dict[str, Any]]], None]


def enqueue(db: Session, *, topic: str, payload: dict[str, Any]) -> OutboxMessage:
    message = OutboxMessage(topic=topic, payload=payload)
    db.add(message)
    db.flush()
    return message


def backoff_for(attempts: int) -> timedelta:
    return BASE_BACKOFF * (2 ** min(attempts - 1, 10))


def drain_once(
    factory: sessionmaker[Session], handlers: dict[str, Handler], *, batch_size: int = 100
) -> int:
    """Claim one batch of due rows, hand each topic's payloads to its handler, record the
    outcome. Returns how many rows were handled successfully."""
    done = 0
    with transaction(factory) as db:
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.processed_at.is_(None),
                OutboxMessage.failed_at.is_(None),
                OutboxMessage.available_at <= utcnow(),
            )
            .order_by(OutboxMessage.id)
            .limit(batch_size)
        )
        if db.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        messages = list(db.execute(query).scalars())
        by_topic: dict[str, list[OutboxMessage]] = {}
        for message in messages:
            by_topic.setdefault(message.topic, []).append(message)
        for topic, batch in by_topic.items():
            handler = handlers.get(topic)
            now = utcnow()
            try:
                if handler is None:
                    raise LookupError(f"no handler for topic {topic!r}")
                handler([message.payload for message in batch])
            except Exception as error:
                logger.warning("outbox topic %s failed: %s", topic, error)
                for message in batch:
                    message.attempts += 1
                    message.last_error = f"{type(error).__name__}: {error}"[:2000]
                    if message.attempts >= MAX_ATTEMPTS:
                        message.failed_at = now
                    else:
                        message.available_at = now + backoff_for(message.attempts)
                continue
            for message in batch:
                message.attempts += 1
                message.processed_at = now
                done += 1
    return done
