"""The ``portal worker`` loop: generic, it knows topics and handlers, never a domain.

Domains offer their handlers as WorkerTasks; app/worker.py (beside app/main.py, the other
place where domains are put together) collects them.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import FrameType

from sqlalchemy.orm import Session, sessionmaker

from app.outbox.service import Handler, drain_once

logger = logging.getLogger(__name__)


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


def run_worker(
    factory: sessionmaker[Session],
    *,
    tasks: WorkerTasks,
    poll_seconds: float = 1.0,
    once: bool = False,
) -> None:
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info("worker started; topics: %s", ", ".join(sorted(tasks.handlers)) or "none")
    while not stopping:
        for job in tasks.periodic:
            job()
        handled = drain_once(factory, tasks.handlers)
        if once:
            return
        if handled == 0:
            time.sleep(poll_seconds)
