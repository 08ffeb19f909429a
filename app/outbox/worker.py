"""The ``portal worker`` loop."""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import transaction
from app.notifications.delivery import notification_handlers, queue_due_digests
from app.outbox.service import Handler, drain_once
from app.resources.extraction import extract_text
from app.resources.service import EXTRACT_TOPIC, pending_extractions, record_extraction
from app.resources.storage import LocalFileStorage
from app.search.engine import SearchEngine
from app.search.sync import sync_handlers

logger = logging.getLogger(__name__)


def registered_handlers(factory: sessionmaker[Session], settings: Settings) -> dict[str, Handler]:
    """Topic handlers of every domain: text extraction, search indexing, notifications."""
    storage = LocalFileStorage(settings.resolved_files_dir)

    def extract(payloads: list[dict[str, Any]]) -> None:
        """Each file in a time- and memory-limited child process, with no transaction open
        while it runs."""
        with transaction(factory) as db:
            jobs = pending_extractions(
                db, storage=storage, version_ids=[str(p["version_id"]) for p in payloads]
            )
        for job in jobs:
            result = extract_text(job.path, job.kind)
            with transaction(factory) as db:
                record_extraction(
                    db, version_id=job.version_id, text=result.text, error=result.error
                )

    return {
        EXTRACT_TOPIC: extract,
        **sync_handlers(factory, SearchEngine.from_settings(settings)),
        **notification_handlers(factory, settings),
    }


def run_worker(
    factory: sessionmaker[Session],
    *,
    settings: Settings,
    poll_seconds: float = 1.0,
    once: bool = False,
) -> None:
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    handlers = registered_handlers(factory, settings)
    logger.info("worker started; topics: %s", ", ".join(sorted(handlers)) or "none yet")
    while not stopping:
        queue_due_digests(factory)
        handled = drain_once(factory, handlers)
        if once:
            return
        if handled == 0:
            time.sleep(poll_seconds)
