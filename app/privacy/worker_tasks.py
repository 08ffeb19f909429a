"""The worker's side of privacy: building large exports, and the daily retention job (run
before a drain once a day; the record of the last run says when it is due)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import transaction, utcnow
from app.outbox.worker import WorkerTasks
from app.privacy.retention import is_due, run_retention
from app.privacy.service import EXPORT_TOPIC, build_export, fail_export
from app.resources.storage import LocalFileStorage

logger = logging.getLogger(__name__)


def privacy_tasks(factory: sessionmaker[Session], settings: Settings) -> WorkerTasks:
    storage = LocalFileStorage(settings.resolved_files_dir)

    def export(payloads: list[dict[str, Any]]) -> None:
        for payload in payloads:
            export_id = str(payload["export_id"])
            try:
                with transaction(factory) as db:
                    build_export(db, export_id=export_id, storage=storage, settings=settings)
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
