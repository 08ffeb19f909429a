"""The worker's tasks, put together from the domains that own them (as app/main.py puts
their routes together): text extraction (library files and post attachments), clearing
expired kept uploads, event reminders, closing opportunities, CPD reminders, search
indexing, notifications and e-mail, members' exports and the retention job."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.cpd.worker_tasks import cpd_tasks
from app.discussions.worker_tasks import discussion_tasks
from app.events.worker_tasks import event_tasks
from app.moderation.worker_tasks import moderation_tasks
from app.notifications.delivery import notification_tasks
from app.opportunities.worker_tasks import opportunity_tasks
from app.outbox.service import Handler
from app.outbox.worker import WorkerTasks, combine
from app.privacy.worker_tasks import privacy_tasks
from app.resources.extraction_tasks import extraction_tasks
from app.search.engine import SearchEngine
from app.search.sync import sync_tasks
from app.uploads.worker_tasks import staged_upload_tasks


def worker_tasks(factory: sessionmaker[Session], settings: Settings) -> WorkerTasks:
    return combine(
        [
            extraction_tasks(factory, settings),
            discussion_tasks(factory, settings),
            staged_upload_tasks(factory, settings),
            event_tasks(factory),
            opportunity_tasks(factory),
            moderation_tasks(factory),
            cpd_tasks(factory),
            sync_tasks(factory, SearchEngine.from_settings(settings)),
            notification_tasks(factory, settings),
            privacy_tasks(factory, settings),
        ]
    )


def registered_handlers(factory: sessionmaker[Session], settings: Settings) -> dict[str, Handler]:
    """Every topic's handler (tests drain the outbox with these)."""
    return worker_tasks(factory, settings).handlers
