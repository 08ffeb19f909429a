"""Nothing is lost while Meilisearch is down: writes go on, the outbox keeps the index
updates, and the worker delivers every one of them when Meilisearch is back.

This test runs its own Meilisearch (never the session's) so that it can stop and start it.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from app.config import Settings
from app.db import transaction, utcnow
from app.devstack import RunningService, free_port, start_meilisearch
from app.main import create_app
from app.members.models import Member
from app.outbox.models import OutboxMessage
from app.outbox.service import drain_once
from app.outbox.sync import SYNC_TOPIC
from app.resources import service as resources
from app.resources.schemas import ResourceData
from app.search.engine import SearchEngine
from app.worker import registered_handlers
from tests.conftest import MEILI_TEST_KEY, seed_reference_data


@pytest.fixture
def own_meilisearch(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    port, data_dir = free_port(), tmp_path / "meili"
    yield port, data_dir


def start(port: int, data_dir: Path) -> RunningService:
    return start_meilisearch(port=port, data_dir=data_dir, master_key=MEILI_TEST_KEY)


def drain(app: FastAPI) -> None:
    handlers = registered_handlers(app.state.session_factory, app.state.settings)
    while drain_once(app.state.session_factory, handlers):
        pass


def add(app: FastAPI, owner_id: str, title: str) -> str:
    with transaction(app.state.session_factory) as db:
        return resources.create_resource(
            db,
            storage=app.state.file_storage,
            actor=db.get_one(Member, owner_id),
            data=ResourceData(title=title, summary="Practice.", type="briefing", topics=[]),
            uploads=[resources.Upload("notes.txt", io.BytesIO(b"Plain notes."))],
            max_bytes=1024 * 1024,
        ).id


def titles(engine: SearchEngine) -> set[str]:
    hits = engine.client().index(engine.content_uid).search("", {"limit": 100})["hits"]
    return {hit["heading"] for hit in hits if hit["kind"] == "resource"}


def test_nothing_is_lost_while_meilisearch_is_down(
    settings: Settings, own_meilisearch: tuple[int, Path]
) -> None:
    port, data_dir = own_meilisearch
    service = start(port, data_dir)
    app = create_app(
        settings.model_copy(
            update={
                "meili_url": service.url,
                "meili_index_prefix": f"outage{uuid.uuid4().hex[:6]}",
            }
        )
    )
    engine: SearchEngine = app.state.search_engine
    try:
        seed_reference_data(app)
        with transaction(app.state.session_factory) as db:
            owner = Member(display_name="Olu Owner")
            db.add(owner)
            db.flush()
            owner_id = owner.id
        kept = add(app, owner_id, "Before the outage")
        drain(app)
        assert titles(engine) == {"Before the outage"}

        service.stop()
        created = add(app, owner_id, "Written during the outage")
        with transaction(app.state.session_factory) as db:
            actor = db.get_one(Member, owner_id)
            resources.update_resource(
                db,
                actor=actor,
                resource_id=kept,
                data=ResourceData(
                    title="Renamed during the outage", summary="New.", type="briefing", topics=[]
                ),
            )
        doomed = add(app, owner_id, "Deleted during the outage")
        with transaction(app.state.session_factory) as db:
            resources.delete_resource(db, actor=db.get_one(Member, owner_id), resource_id=doomed)
        drain(app)  # Meilisearch is down: the rows wait, and the wait is not an attempt
        with transaction(app.state.session_factory) as db:
            waiting = list(
                db.execute(
                    select(OutboxMessage).where(
                        OutboxMessage.topic == SYNC_TOPIC, OutboxMessage.processed_at.is_(None)
                    )
                ).scalars()
            )
            assert waiting and all(row.attempts == 0 for row in waiting)
            assert all((row.last_error or "").startswith("waiting: ") for row in waiting)
            assert all(row.failed_at is None for row in waiting)

        service = start(port, data_dir)
        with transaction(app.state.session_factory) as db:  # the backoff has passed
            db.execute(update(OutboxMessage).values(available_at=utcnow()))
        drain(app)

        assert titles(engine) == {"Renamed during the outage", "Written during the outage"}
        with transaction(app.state.session_factory) as db:
            left = db.execute(
                select(OutboxMessage).where(
                    OutboxMessage.topic == SYNC_TOPIC, OutboxMessage.processed_at.is_(None)
                )
            ).all()
        assert left == []
        assert created
    finally:
        service.stop()
        app.state.engine.dispose()
