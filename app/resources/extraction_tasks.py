"""The worker's side of text extraction: read each new file's text in a limited child
process (app/resources/extraction.py) and record it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import transaction
from app.outbox.worker import WorkerTasks
from app.resources.extraction import extract_text
from app.resources.service import EXTRACT_TOPIC, pending_extractions, record_extraction
from app.resources.storage import LocalFileStorage


def extraction_tasks(factory: sessionmaker[Session], settings: Settings) -> WorkerTasks:
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

    return WorkerTasks(handlers={EXTRACT_TOPIC: extract})
