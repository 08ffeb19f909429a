"""The ``portal worker`` loop."""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType

from sqlalchemy.orm import Session, sessionmaker

from app.outbox.service import Handler, drain_once

logger = logging.getLogger(__name__)


def registered_handlers() -> dict[str, Handler]:
    """Topic handlers of every domain. The foundation registers none: search indexing and
    e-mail add theirs in their issues."""
    return {}


def run_worker(
    factory: sessionmaker[Session], *, poll_seconds: float = 1.0, once: bool = False
) -> None:
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    handlers = registered_handlers()
    logger.info("worker started; topics: %s", ", ".join(sorted(handlers)) or "none yet")
    while not stopping:
        handled = drain_once(factory, handlers)
        if once:
            return
        if handled == 0:
            time.sleep(poll_seconds)
