"""What the portal depends on, checked one by one: for ``/readyz?full=1``, the admin status
page and ``portal outbox status``. Each check answers None when all is well, else a short
description of what is wrong (never a member's data)."""

from __future__ import annotations

import shutil
import smtplib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import utcnow
from app.outbox.models import WorkerHeartbeat
from app.outbox.service import backlog
from app.outbox.worker import STALE_AFTER
from app.search.engine import META_INDEX, SearchEngine, load_definition

MIN_FREE_BYTES = 512 * 1024 * 1024
MIN_FREE_FRACTION = 0.02


def database_problem(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return f"unreachable ({type(error).__name__})"
    return None


def index_problem(search_engine: SearchEngine) -> str | None:
    """The content index exists with its primary key and its settings are recorded as
    applied; the worker repairs it otherwise (app/search/engine.py, ensure_current)."""
    if (down := search_engine.health_problem()) is not None:
        return f"Meilisearch {down}"
    try:
        indexes = {
            index.uid: index.primary_key
            for index in search_engine.client(timeout=2).get_indexes({"limit": 1000})["results"]
        }
    except Exception as error:
        return f"indexes not listed ({type(error).__name__})"
    if search_engine.content_uid not in indexes:
        return "the content index is missing (the worker re-creates it and rebuilds it)"
    if indexes[search_engine.content_uid] != load_definition("content")["primaryKey"]:
        return "the content index has the wrong primary key (the worker re-creates it)"
    if search_engine.index_uid(META_INDEX) not in indexes:
        return "the index settings are not recorded (the worker applies them)"
    return None


def worker_problem(db: Session, now: datetime | None = None) -> str | None:
    now = now or utcnow()
    latest = db.execute(select(WorkerHeartbeat.beat_at).order_by(WorkerHeartbeat.beat_at.desc()))
    beat = latest.scalars().first()
    if beat is None:
        return "no worker has reported"
    if now - beat > STALE_AFTER:
        return f"no heartbeat for {int((now - beat).total_seconds())} s"
    return None


def smtp_problem(settings: Settings) -> str | None:
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=3) as connection:
            code, _text = connection.noop()
    except (OSError, smtplib.SMTPException) as error:
        return f"unreachable ({type(error).__name__})"
    return None if code == 250 else f"answered {code}"


def file_store_problem(root: Path) -> str | None:
    probe = root if root.exists() else root.parent
    try:
        usage = shutil.disk_usage(probe)
    except OSError as error:
        return f"not readable ({type(error).__name__})"
    if usage.free < MIN_FREE_BYTES or usage.free < usage.total * MIN_FREE_FRACTION:
        return f"almost full: {usage.free // (1024 * 1024)} MB free"
    return None


def free_space(root: Path) -> str:
    probe = root if root.exists() else root.parent
    usage = shutil.disk_usage(probe)
    return f"{usage.free // (1024 * 1024)} MB free of {usage.total // (1024 * 1024)} MB"


def worker_report(db: Session) -> dict[str, str]:
    queue = backlog(db)
    oldest = queue.oldest_pending_at
    return {
        "worker": worker_problem(db) or "ok",
        "pending": str(queue.pending),
        "waiting for a server": str(queue.waiting),
        "failed": str(queue.failed),
        "oldest pending": oldest.isoformat(timespec="seconds") if oldest else "none",
    }


@dataclass(frozen=True)
class StatusReport:
    checks: dict[str, str | None]
    details: dict[str, str]

    @property
    def healthy(self) -> bool:
        return all(problem is None for problem in self.checks.values())


def full_status(
    *,
    engine: Engine,
    db_session: Session | None,
    settings: Settings,
    search_engine: SearchEngine,
    files_dir: Path,
) -> StatusReport:
    """Every check; the database-backed ones only when a session could be had."""
    checks: dict[str, str | None] = {"database": database_problem(engine)}
    details: dict[str, str] = {}
    checks["search"] = search_engine.health_problem()
    checks["search index"] = (
        index_problem(search_engine) if checks["search"] is None else ("Meilisearch is down")
    )
    if checks["database"] is None and db_session is not None:
        checks["worker"] = worker_problem(db_session)
        details.update(worker_report(db_session))
        queue_failed = int(details["failed"])
        checks["failed outbox rows"] = f"{queue_failed} failed" if queue_failed else None
    else:
        checks["worker"] = "unknown (the database is unreachable)"
    checks["smtp"] = smtp_problem(settings)
    checks["file store"] = file_store_problem(files_dir)
    try:
        details["file store"] = free_space(files_dir)
    except OSError:
        details["file store"] = "unknown"
    return StatusReport(checks=checks, details=details)
