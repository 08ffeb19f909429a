"""The worker's side of discussions: reading the documents attached to posts, each in the
library's time- and memory-limited child process, with no transaction open while it runs;
and, periodically, dropping API uploads that no post claimed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import transaction
from app.discussions.service.attachment_jobs import (
    pending_attachment_reads,
    record_attachment_text,
)
from app.discussions.service.attachments import ATTACHMENT_EXTRACT_TOPIC, drop_unclaimed_uploads
from app.outbox.worker import WorkerTasks
from app.resources.extraction import extract_text
from app.resources.storage import LocalFileStorage


def discussion_tasks(factory: sessionmaker[Session], settings: Settings) -> WorkerTasks:
    storage = LocalFileStorage(settings.resolved_files_dir)

    def read_attachments(payloads: list[dict[str, Any]]) -> None:
        with transaction(factory) as db:
            jobs = pending_attachment_reads(
                db, storage=storage, attachment_ids=[str(p["attachment_id"]) for p in payloads]
            )
        for job in jobs:
            result = extract_text(job.path, job.kind)
            with transaction(factory) as db:
                record_attachment_text(
                    db, attachment_id=job.attachment_id, text=result.text, error=result.error
                )

    def drop_unclaimed() -> None:
        with transaction(factory) as db:
            drop_unclaimed_uploads(db)

    return WorkerTasks(
        handlers={ATTACHMENT_EXTRACT_TOPIC: read_attachments}, periodic=(drop_unclaimed,)
    )
