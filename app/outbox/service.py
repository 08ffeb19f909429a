"""Queue a side effect in the caller's transaction, and drain the queue in the worker.

Handlers are registered per topic by the domains that own them (search indexing,
e-mail). A row is marked done only after its handler returns. What goes wrong is sorted
in two:

- an **outage** (a server the handler needs is down: the database, Meilisearch, SMTP) is a
  *wait*: the rows are tried again every ``wait_retry`` and the wait is never counted as an
  attempt, so an outage of any length delays them but never fails or loses them;
- any other error is an *attempt*: retried with exponential backoff and, after
  MAX_ATTEMPTS, kept as failed for an admin to see and retry (``retry_failed``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.db import keep_pages, transaction, utcnow
from app.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=5)
WAIT_RETRY = timedelta(seconds=30)
LEASE = timedelta(seconds=45)
"""How long a claimed row stays invisible to other workers. The worker working on it
renews the lease every third of it, so a slow handler keeps its rows, and the rows of a
worker that died are due again within LEASE (under a minute)."""
WAITING_PREFIX = "waiting: "
Handler = Callable[[list[dict[str, Any]]], None]


class RetryLater(Exception):
    """Raised by a handler whose side effect cannot happen yet because a server it needs is
    down (SMTP, Meilisearch): the rows wait; the wait is not an attempt."""


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` means a dependency is unreachable (wait) rather than that this
    row's work is wrong (attempt). Database errors are recognised here, on the ground
    floor; handlers turn their own servers' outages into RetryLater."""
    if isinstance(error, RetryLater | OperationalError | InterfaceError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, ConnectionError | TimeoutError)


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


class LeaseKeeper:
    """Renews the lease of claimed rows from a background thread while their handlers run.
    A renewal that fails (the database is down) is logged and tried again at the next tick:
    the rows then merely become due for another worker, which is safe."""

    def __init__(
        self, factory: sessionmaker[Session], message_ids: list[int], lease: timedelta
    ) -> None:
        self.factory = factory
        self.message_ids = message_ids
        self.lease = lease
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-lease", daemon=True)

    def _run(self) -> None:
        interval = max(self.lease.total_seconds() / 3, 0.05)
        while not self._stop.wait(interval):
            try:
                with transaction(self.factory) as db:
                    keep_pages(db)
                    db.execute(
                        update(OutboxMessage)
                        .where(
                            OutboxMessage.id.in_(self.message_ids),
                            OutboxMessage.processed_at.is_(None),
                        )
                        .values(available_at=utcnow() + self.lease)
                    )
            except Exception as error:
                logger.warning("outbox lease not renewed: %s", error)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def drain_once(
    factory: sessionmaker[Session],
    handlers: dict[str, Handler],
    *,
    batch_size: int = 100,
    lease: timedelta = LEASE,
    wait_retry: timedelta = WAIT_RETRY,
) -> int:
    """Claim one batch of due rows, hand each topic's payloads to its handler, record the
    outcome. Returns how many rows were handled successfully. Rows of topics this worker
    has no handler for wait, and are handled once a worker that has one runs.

    Claiming and recording are two short transactions; handlers run between them, outside
    any transaction, so a slow side effect (a file read, Meilisearch, SMTP) never holds a
    database lock. A claimed row is leased, and the lease renewed while its handler runs:
    if the worker dies, the row is due again when the lease ends, so nothing is lost (a
    handler may see a payload twice, never zero times). A database error while claiming
    or recording propagates: the worker loop waits and tries again."""
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
    all_ids = [message_id for batch in claimed.values() for message_id, _payload in batch]
    with LeaseKeeper(factory, all_ids, lease):
        for topic, batch in claimed.items():
            try:
                handlers[topic]([payload for _id, payload in batch])
                error = None
            except Exception as failure:
                if is_outage(failure):
                    logger.warning("outbox topic %s waits: %s", topic, failure)
                    error = f"{WAITING_PREFIX}{failure}"[:2000]
                    waiting.update(message_id for message_id, _payload in batch)
                else:
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
                message.available_at = now + wait_retry
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


def retry_failed(db: Session, *, message_ids: list[int] | None = None) -> int:
    """Give failed rows (all, or those named) a fresh start: due now, attempts from zero.
    Returns how many rows will run again."""
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.failed_at.is_not(None), OutboxMessage.processed_at.is_(None))
        .values(failed_at=None, attempts=0, available_at=utcnow())
    )
    if message_ids is not None:
        statement = statement.where(OutboxMessage.id.in_(message_ids))
    return int(db.execute(statement).rowcount or 0)  # type: ignore[attr-defined]


def failed_rows(db: Session, *, limit: int = 100) -> list[OutboxMessage]:
    return list(
        db.execute(
            select(OutboxMessage)
            .where(OutboxMessage.failed_at.is_not(None), OutboxMessage.processed_at.is_(None))
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        ).scalars()
    )


@dataclass(frozen=True)
class Backlog:
    pending: int
    waiting: int
    failed: int
    oldest_pending_at: datetime | None


def backlog(db: Session) -> Backlog:
    """What the worker has still to do: rows due or leased, rows waiting for a server that
    is down, and failed rows waiting for an admin."""
    open_rows = OutboxMessage.processed_at.is_(None)
    pending, oldest = db.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            open_rows, OutboxMessage.failed_at.is_(None)
        )
    ).one()
    waiting = db.execute(
        select(func.count()).where(
            open_rows,
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.last_error.like(f"{WAITING_PREFIX}%"),
        )
    ).scalar_one()
    failed = db.execute(
        select(func.count()).where(open_rows, OutboxMessage.failed_at.is_not(None))
    ).scalar_one()
    return Backlog(
        pending=int(pending), waiting=int(waiting), failed=int(failed), oldest_pending_at=oldest
    )
