"""The worker's side of kept uploads: every few minutes, remove files kept from forms that
were never sent again (app/uploads/staging.py). Not on every pass: on SQLite
each clean-up takes the write lock, and a kept file lives for a day anyway."""

from __future__ import annotations

import time

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import transaction
from app.outbox.worker import WorkerTasks
from app.resources.storage import LocalFileStorage
from app.uploads.staging import remove_expired_staged_uploads

CLEAN_UP_EVERY_SECONDS = 300.0


def staged_upload_tasks(factory: sessionmaker[Session], settings: Settings) -> WorkerTasks:
    storage = LocalFileStorage(settings.resolved_files_dir)
    next_run = [0.0]

    def clean_up() -> None:
        if time.monotonic() < next_run[0]:
            return
        with transaction(factory) as db:
            remove_expired_staged_uploads(db, storage=storage)
        next_run[0] = time.monotonic() + CLEAN_UP_EVERY_SECONDS

    return WorkerTasks(periodic=(clean_up,))
