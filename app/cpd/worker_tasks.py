"""The worker's side of CPD: the year's reminders, looked for once per London day by each
worker process (the dedupe key keeps two workers, or a restart, from telling twice)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from app.cpd import clock
from app.cpd.service import send_due_reminders
from app.db import transaction
from app.outbox.worker import WorkerTasks


def cpd_tasks(factory: sessionmaker[Session]) -> WorkerTasks:
    done_on: list[date] = []

    def remind() -> None:
        today = clock.london_today()
        if today in done_on:
            return
        with transaction(factory) as db:
            send_due_reminders(db)
        done_on[:] = [today]

    return WorkerTasks(periodic=(remind,))
