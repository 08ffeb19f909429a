"""The worker's side of moderation: telling the moderators, in the app, of each item a
member saved anyway after the anonymisation guard found passages. The guard records the
item and queues OVERRIDE_TOPIC in the author's transaction; being ground floor, it cannot
announce anything itself, so the announcement is made here."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction
from app.guard.models import GuardOverride
from app.guard.service import OVERRIDE_TOPIC
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.outbox.worker import WorkerTasks


def announce_override(db: Session, payload: dict[str, Any]) -> None:
    override = db.get(GuardOverride, str(payload["override_id"]))
    if override is None:
        return
    announce(
        db,
        parts=[(NotificationKind.GUARD_NOTICE, audiences.moderators(override.group_id))],
        subject_type="guard_override",
        subject_id=override.id,
        actor_id=override.author_id,
        dedupe_key=f"guard_override:{override.id}",
    )


def moderation_tasks(factory: sessionmaker[Session]) -> WorkerTasks:
    def announce_overrides(payloads: list[dict[str, Any]]) -> None:
        with transaction(factory) as db:
            for payload in payloads:
                announce_override(db, payload)

    return WorkerTasks(handlers={OVERRIDE_TOPIC: announce_overrides})
