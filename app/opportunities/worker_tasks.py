"""The worker's side of opportunities: closing those whose closing day has ended, before
every drain, so that search forgets them without anyone acting."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction
from app.opportunities.service import close_due
from app.outbox.worker import WorkerTasks


def opportunity_tasks(factory: sessionmaker[Session]) -> WorkerTasks:
    def close() -> None:
        with transaction(factory) as db:
            close_due(db)

    return WorkerTasks(periodic=(close,))
