"""The worker's side of privacy: building large exports, and the daily retention job (run
before a drain once a day; the record of the last run says when it is due)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import make_engine, make_session_factory, transaction, utcnow
from app.outbox.worker import WorkerTasks
from app.privacy.retention import is_due, run_retention
from app.privacy.service import (
    EXPORT_TOPIC,
    fail_export,
    mark_export_ready,
    queued_export,
    write_export_file,
)
from app.resources.storage import LocalFileStorage

logger = logging.getLogger(__name__)


def privacy_tasks(factory: sessionmaker[Session], settings: Settings) -> WorkerTasks:
    storage = LocalFileStorage(settings.resolved_files_dir)
    readers: list[sessionmaker[Session]] = []

    def reader() -> sessionmaker[Session]:
        """A large export takes seconds to read: on SQLite, a plain BEGIN reads a snapshot
        without the write lock that the worker's own sessions take, so members can write
        meanwhile. Made on first use: most workers never build an export."""
        if not readers:
            engine = make_engine(settings.resolved_database_url, immediate=False)
            readers.append(make_session_factory(engine))
        return readers[0]

    def export(payloads: list[dict[str, Any]]) -> None:
        for payload in payloads:
            export_id = str(payload["export_id"])
            with transaction(factory) as db:
                queued = queued_export(db, export_id)
            if queued is None:
                continue
            try:
                with transaction(reader()) as db:
                    size = write_export_file(
                        db,
                        export_id=export_id,
                        member_id=queued[1],
                        storage=storage,
                        settings=settings,
                    )
                with transaction(factory) as db:
                    mark_export_ready(db, export_id=export_id, size=size, settings=settings)
            except OSError as error:
                logger.warning("export %s failed: %s", export_id, error)
                with transaction(factory) as db:
                    fail_export(db, export_id=export_id, error=str(error), settings=settings)

    def retention() -> None:
        now = utcnow()
        with transaction(factory) as db:
            if not is_due(db, now):
                return
            deleted = run_retention(db, settings, now)
        logger.info("retention: %s", deleted)

    return WorkerTasks(handlers={EXPORT_TOPIC: export}, periodic=(retention,))
