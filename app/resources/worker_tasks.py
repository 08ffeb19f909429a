"""The worker's side of kept uploads: before every drain, remove files kept from forms
that were never sent again (app/resources/service/staging.py)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import transaction
from app.outbox.worker import WorkerTasks
from app.resources.service import remove_expired_staged_uploads
from app.resources.storage import LocalFileStorage


def staged_upload_tasks(factory: sessionmaker[Session], settings: Settings) -> WorkerTasks:
    storage = LocalFileStorage(settings.resolved_files_dir)

    def clean_up() -> None:
        with transaction(factory) as db:
            remove_expired_staged_uploads(db, storage=storage)

    return WorkerTasks(periodic=(clean_up,))
