"""The generation of reference data (topics, organisations) in this process: a service
that changes it calls ``forget_reference_data``, and every per-process copy
(app/web/reference_data.py) is read again. Ground floor: imports no domain."""

from __future__ import annotations

import threading

from sqlalchemy import event
from sqlalchemy.orm import Session

_generation = 0
_lock = threading.Lock()


def current_generation() -> int:
    return _generation


def _bump() -> None:
    global _generation
    with _lock:
        _generation += 1


def forget_reference_data(db: Session) -> None:
    """Every copy in this process is read again, now and once ``db`` commits (so a page
    read between the change and its commit cannot keep the old list)."""
    _bump()
    event.listen(db, "after_commit", lambda _session: _bump(), once=True)
