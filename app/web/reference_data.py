"""Reference data the busy list pages show in their filters (topics, organisations), kept
per application process for a short time instead of read on every page.

How stale it may be: at most ``Settings.reference_data_cache_seconds`` (60 s by default)
in a process other than the one where an admin changed it; in that process the change
shows on the next page, since the service that changes reference data calls
``forget_reference_data`` (app/reference_data.py; read again once its transaction
commits). Values are frozen
copies, never ORM objects, so no request's session ever holds another request's rows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from app.members.profiles import all_topics, organisation_choices
from app.reference_data import current_generation


@dataclass(frozen=True)
class TopicChoice:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class OrganisationChoice:
    id: str
    name: str
    slug: str


class ReferenceDataCache:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._entries: dict[str, tuple[float, int, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, db: Session, load: Callable[[Session], Any]) -> Any:
        now = time.monotonic()
        generation = current_generation()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[1] == generation and now - entry[0] < self.seconds:
            return entry[2]
        value = load(db)
        if self.seconds > 0:
            with self._lock:
                self._entries[key] = (now, generation, value)
        return value


def _cache(request: Request) -> ReferenceDataCache:
    return request.app.state.reference_data


def topic_choices(request: Request, db: Session) -> list[TopicChoice]:
    return _cache(request).get(
        "topics",
        db,
        lambda session: [
            TopicChoice(id=topic.id, slug=topic.slug, name=topic.name)
            for topic in all_topics(session)
        ],
    )


def organisation_list(request: Request, db: Session) -> list[OrganisationChoice]:
    return _cache(request).get(
        "organisations",
        db,
        lambda session: [
            OrganisationChoice(id=org.id, name=org.name, slug=org.slug)
            for org in organisation_choices(session)
        ],
    )
