"""The ``portal worker`` loop: generic, it knows topics and handlers, never a domain.

Domains offer their handlers as WorkerTasks; app/worker.py (beside app/main.py, the other
place where domains are put together) collects them.

The loop never dies of an error: whatever a periodic job or a drain raises (the database
restarting, a bug in one handler) is logged, and the loop waits with a growing pause (up to
MAX_PAUSE) and goes on. Only SIGTERM or SIGINT stop it. Every HEARTBEAT_EVERY it writes
its heartbeat, which the status page and ``/readyz?full=1`` read.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from types import FrameType

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from app.db import keep_pages, transaction, utcnow
from app.outbox.models import WorkerHeartbeat
from app.outbox.service import LEASE, WAIT_RETRY, Handler, drain_once

logger = logging.getLogger(__name__)

MAX_PAUSE = 30.0
HEARTBEAT_EVERY = timedelta(seconds=5)
STALE_AFTER = timedelta(seconds=60)
"""A heartbeat older than this is a worker that is gone (or stuck)."""


@dataclass(frozen=True)
class WorkerTasks:
    """What one domain asks of the worker: handlers per outbox topic, and periodic jobs run
    before every drain (e.g. queueing digests that fell due)."""

    handlers: dict[str, Handler] = field(default_factory=dict)
    periodic: tuple[Callable[[], object], ...] = ()


def combine(tasks: Iterable[WorkerTasks]) -> WorkerTasks:
    handlers: dict[str, Handler] = {}
    periodic: list[Callable[[], object]] = []
    for part in tasks:
        clash = handlers.keys() & part.handlers.keys()
        if clash:
            raise ValueError(f"outbox topics registered twice: {sorted(clash)}")
        handlers.update(part.handlers)
        periodic.extend(part.periodic)
    return WorkerTasks(handlers=handlers, periodic=tuple(periodic))


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def record_heartbeat(
    factory: sessionmaker[Session], worker_id: str, *, handled: int, error: str | None
) -> None:
    with transaction(factory) as db:
        keep_pages(db)
        beat = db.get(WorkerHeartbeat, worker_id)
        if beat is None:
            beat = WorkerHeartbeat(worker_id=worker_id, started_at=utcnow(), handled=0)
            db.add(beat)
        beat.beat_at = utcnow()
        beat.handled = handled
        beat.last_error = error[:2000] if error else None


def forget_heartbeat(factory: sessionmaker[Session], worker_id: str) -> None:
    with transaction(factory) as db:
        db.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.worker_id == worker_id))


def run_worker(
    factory: sessionmaker[Session],
    *,
    tasks: WorkerTasks,
    poll_seconds: float = 1.0,
    once: bool = False,
    lease: timedelta = LEASE,
    wait_retry: timedelta = WAIT_RETRY,
    stop_event: threading.Event | None = None,
) -> None:
    """Drain the outbox until told to stop. ``stop_event`` lets a caller in another thread
    stop it (signals only reach the main thread)."""
    stopping = stop_event or threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    worker_id = worker_identity()
    logger.info(
        "worker %s started; topics: %s", worker_id, ", ".join(sorted(tasks.handlers)) or "none"
    )
    handled_total = 0
    failures = 0
    last_error: str | None = None
    next_beat = utcnow()
    while not stopping.is_set():
        if utcnow() >= next_beat:
            try:
                record_heartbeat(factory, worker_id, handled=handled_total, error=last_error)
                next_beat = utcnow() + HEARTBEAT_EVERY
            except Exception as error:
                logger.warning("worker heartbeat not recorded: %s", error)
        try:
            for job in tasks.periodic:
                job()
            handled = drain_once(factory, tasks.handlers, lease=lease, wait_retry=wait_retry)
        except Exception as error:
            failures += 1
            last_error = f"{type(error).__name__}: {error}"
            pause = min(MAX_PAUSE, poll_seconds * 2 ** min(failures, 10))
            logger.warning("worker pass failed (%s); trying again in %.0f s", last_error, pause)
            if once:
                return
            stopping.wait(pause)
            continue
        failures, last_error = 0, None
        handled_total += handled
        if once:
            break
        if handled == 0:
            stopping.wait(poll_seconds)
    try:
        forget_heartbeat(factory, worker_id)
    except Exception as error:
        logger.warning("worker heartbeat not removed: %s", error)
