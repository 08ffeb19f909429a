"""Keeping the index in step with the database, through the outbox.

Services call ``enqueue_sync`` (app/outbox/sync.py, on the ground floor) in the transaction
of every change (create, edit, delete, hide, restore, move, status or profile change), so the
change and its outbox row commit together. The worker's handler re-reads each row and sends
its current state, so it is idempotent and order-safe: a payload seen twice, or late, sends
the same thing. Rows are marked done only after Meilisearch reports every task succeeded;
otherwise the handler raises and the outbox retries with backoff.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction, utcnow
from app.outbox.models import OutboxMessage
from app.outbox.service import RetryLater, enqueue
from app.outbox.sync import SYNC_TOPIC, enqueue_sync
from app.outbox.worker import WorkerTasks
from app.search.document_queries import all_documents, changes_for
from app.search.documents import Changes
from app.search.engine import IndexState, SearchEngine, TaskFailed, is_outage
from app.search.models import SearchSynonym

SYNONYMS_TOPIC = "search.synonyms"
REBUILD_TOPIC = "search.rebuild"

logger = logging.getLogger(__name__)


def admin_synonym_groups(db: Session) -> list[list[str]]:
    return [
        list(row.terms)
        for row in db.execute(select(SearchSynonym).order_by(SearchSynonym.created_at)).scalars()
    ]


def queue_rebuild(factory: sessionmaker[Session]) -> bool:
    """Queue one full rebuild of the index (unless one is already waiting): the repair of an
    index that Meilisearch lost. Returns whether a row was added."""
    with transaction(factory) as db:
        waiting = db.execute(
            select(OutboxMessage.id)
            .where(OutboxMessage.topic == REBUILD_TOPIC, OutboxMessage.processed_at.is_(None))
            .limit(1)
        ).first()
        if waiting is not None:
            return False
        enqueue(db, topic=REBUILD_TOPIC, payload={})
    logger.warning("search index rebuild queued")
    return True


@contextlib.contextmanager
def outage_is_a_wait() -> Iterator[None]:
    """Meilisearch being down is a wait for the outbox (RetryLater), never an attempt."""
    try:
        yield
    except Exception as error:
        if is_outage(error):
            raise RetryLater(f"Meilisearch unavailable: {type(error).__name__}: {error}") from error
        raise


def sync_tasks(factory: sessionmaker[Session], engine: SearchEngine) -> WorkerTasks:
    def ready(synonyms: list[list[str]]) -> None:
        if engine.ensure_current(synonyms) is IndexState.CREATED:
            queue_rebuild(factory)

    def sync(payloads: list[dict[str, Any]]) -> None:
        wanted: dict[str, set[str]] = {}
        for payload in payloads:
            wanted.setdefault(str(payload["kind"]), set()).add(str(payload["id"]))
        changes = Changes()
        with transaction(factory) as db:
            synonyms = admin_synonym_groups(db)
            for kind, ids in wanted.items():
                changes.extend(changes_for(db, kind, sorted(ids)))
        with outage_is_a_wait():
            ready(synonyms)
            engine.write(
                upserts=changes.upserts,
                delete_ids=changes.delete_ids,
                delete_filters=changes.delete_filters,
            )

    def synonyms(_payloads: list[dict[str, Any]]) -> None:
        with transaction(factory) as db:
            groups = admin_synonym_groups(db)
        with outage_is_a_wait():
            ready(groups)
            engine.apply_synonyms(groups)

    def rebuild(_payloads: list[dict[str, Any]]) -> None:
        with outage_is_a_wait():
            report = reindex(factory, engine)
        logger.warning("search index rebuilt: %s documents", report.documents)

    return WorkerTasks(
        handlers={SYNC_TOPIC: sync, SYNONYMS_TOPIC: synonyms, REBUILD_TOPIC: rebuild}
    )


@dataclass(frozen=True)
class ReindexReport:
    documents: int
    seconds: float
    requeued: int

    @property
    def per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


# Payloads of about this size: Meilisearch batches consecutive additions, and fewer, larger
# payloads index faster than many small ones; bounded so the worker's memory stays flat.
REINDEX_PAYLOAD_BYTES = 16 * 1024 * 1024
# Payloads sent but not yet indexed at any time: Meilisearch indexes one while the next is
# read from the database and encoded.
REINDEX_IN_FLIGHT = 2


def payloads(
    batches: Iterator[list[dict[str, Any]]], limit: int = REINDEX_PAYLOAD_BYTES
) -> Iterator[tuple[bytes, int]]:
    """The documents as NDJSON payloads of about ``limit`` bytes (a document is never
    split), with the number of documents in each."""
    lines: list[bytes] = []
    size = 0
    for documents in batches:
        for document in documents:
            line = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
            lines.append(line)
            size += len(line) + 1
            if size >= limit:
                yield b"\n".join(lines), len(lines)
                lines, size = [], 0
    if lines:
        yield b"\n".join(lines), len(lines)


def reindex(
    factory: sessionmaker[Session],
    engine: SearchEngine,
    *,
    batch: int = 500,
    payload_bytes: int = REINDEX_PAYLOAD_BYTES,
) -> ReindexReport:
    """Build ``<prefix>_content_next`` from the database with the settings from search/, swap
    it with the live index in one atomic task and drop the old one: searches see the old
    index until the swap and the new one after, never a missing or half-filled one.

    The settings are applied once, to the empty index, before any document (a settings
    change after the documents would make Meilisearch index everything twice). Rows are
    read in keyset pages and sent as NDJSON payloads of about ``payload_bytes``, with at
    most REINDEX_IN_FLIGHT waiting, so memory stays flat whatever the size of the portal.

    Changes committed while the new index was being filled went to the old index through
    the outbox; their sync rows are queued again after the swap so the new index gets them
    too (a minute of overlap covers transactions that began before the start)."""
    started_at = utcnow()
    started = time.perf_counter()
    client = engine.client(timeout=120)
    next_uid = engine.index_uid("content_next")
    with contextlib.suppress(TaskFailed):  # a leftover of an interrupted reindex, or none
        engine.wait(client, [client.delete_index(next_uid).task_uid])
    with transaction(factory) as db:
        synonyms = admin_synonym_groups(db)
    engine.create_index(client, next_uid, engine.content_settings(synonyms))
    index = client.index(next_uid)
    count = 0
    pending: list[int] = []
    with transaction(factory) as db:
        for payload, documents in payloads(all_documents(db, batch=batch), payload_bytes):
            pending.append(index.add_documents_ndjson(payload).task_uid)
            count += documents
            if len(pending) > REINDEX_IN_FLIGHT:
                engine.wait(client, pending[:1])
                pending = pending[1:]
    engine.wait(client, pending)
    engine.swap_in(client, next_uid)
    engine.mark_current()
    with transaction(factory) as db:
        recent = db.execute(
            select(OutboxMessage.payload).where(
                OutboxMessage.topic == SYNC_TOPIC,
                OutboxMessage.created_at >= started_at - timedelta(minutes=1),
            )
        ).scalars()
        unique = {(str(p["kind"]), str(p["id"])) for p in recent}
        for kind, row_id in sorted(unique):
            enqueue_sync(db, kind=kind, id=row_id)  # type: ignore[arg-type]
    return ReindexReport(
        documents=count, seconds=time.perf_counter() - started, requeued=len(unique)
    )


def has_documents(factory: sessionmaker[Session]) -> bool:
    """Whether the database holds anything to index (a new, empty portal needs no rebuild)."""
    with transaction(factory) as db:
        return any(batch for batch in all_documents(db, batch=1))


def apply_settings_in_background(
    factory: sessionmaker[Session], engine: SearchEngine
) -> threading.Thread | None:
    """At start-up: apply the settings from search/ if they changed, in a thread, so a slow
    or missing Meilisearch never delays or fails the start (the worker applies them later).
    Returns the thread, so a caller that must not race its write (tests) can wait for it."""

    # Read before the thread starts: a transaction racing the first requests would make a
    # read-then-write transaction elsewhere fail on SQLite.
    try:
        with transaction(factory) as db:
            synonyms = admin_synonym_groups(db)
    except Exception as error:
        logger.warning("search settings not applied at start-up: %s", error)
        return None

    def run() -> None:
        try:
            if engine.health_problem() is not None:
                return
            if engine.ensure_current(synonyms) is IndexState.CREATED and has_documents(factory):
                queue_rebuild(factory)
        except Exception as error:
            logger.warning("search settings not applied at start-up: %s", error)

    thread = threading.Thread(target=run, name="search-settings", daemon=True)
    thread.start()
    return thread
