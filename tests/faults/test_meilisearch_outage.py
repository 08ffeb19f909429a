"""Meilisearch down for longer than the old give-up time, then back with its data wiped:
the outbox rows wait (never attempts, never failed), the worker re-creates the index with
its primary key and settings before writing, queues a full rebuild, and every change,
including those indexed before the outage, is in the index again.

The clock is shortened: each worker pass makes the waiting rows due again at once, so
three times the old number of attempts (8, about ten minutes of backoff) pass in seconds.
Meilisearch is a real process of this test's own, stopped and started on the same port."""

from __future__ import annotations

import io
import shutil
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.config import Settings
from app.db import transaction, utcnow
from app.devstack import RunningService, free_port, start_meilisearch
from app.main import create_app
from app.members.models import Member
from app.outbox.models import OutboxMessage
from app.outbox.service import MAX_ATTEMPTS, drain_once
from app.resources import service as resources
from app.resources.schemas import ResourceData
from app.search.engine import SearchEngine, definitions_hash, load_definition
from app.search.sync import REBUILD_TOPIC
from app.worker import registered_handlers
from tests.conftest import MEILI_TEST_KEY, seed_reference_data
from tests.support.sessions import sign_in_as_member

pytestmark = pytest.mark.faults


def start(port: int, data_dir: Path) -> RunningService:
    return start_meilisearch(port=port, data_dir=data_dir, master_key=MEILI_TEST_KEY)


def add(factory: object, owner_id: str, title: str, storage: object) -> str:
    with transaction(factory) as db:  # type: ignore[arg-type]
        return resources.create_resource(
            db,
            storage=storage,  # type: ignore[arg-type]
            actor=db.get_one(Member, owner_id),
            data=ResourceData(title=title, summary="Practice.", type="briefing", topics=[]),
            uploads=[resources.Upload("notes.txt", io.BytesIO(f"Notes on {title}".encode()))],
            max_bytes=1024 * 1024,
        ).id


def indexed_resource_ids(engine: SearchEngine) -> set[str]:
    index = engine.client().index(engine.content_uid)
    documents = index.get_documents({"limit": 1000, "fields": ["id"]}).results
    return {
        str(document.id).removeprefix("resource-")
        for document in documents
        if str(document.id).startswith("resource-") and "-chunk-" not in str(document.id)
    }


def test_meilisearch_down_past_the_old_give_up_time_then_back_empty(
    settings: Settings, tmp_path: Path
) -> None:
    port, data_dir = free_port(), tmp_path / "meili"
    service = start(port, data_dir)
    app = create_app(
        settings.model_copy(
            update={"meili_url": service.url, "meili_index_prefix": f"fault{uuid.uuid4().hex[:6]}"}
        )
    )
    factory = app.state.session_factory
    engine: SearchEngine = app.state.search_engine
    handlers = registered_handlers(factory, app.state.settings)

    def drain() -> None:
        while drain_once(factory, handlers, wait_retry=timedelta(0)):
            pass

    try:
        seed_reference_data(app)
        with transaction(factory) as db:
            owner = Member(display_name="Olu Owner")
            db.add(owner)
            db.flush()
            owner_id = owner.id
        storage = app.state.file_storage
        before = add(factory, owner_id, "Before the outage", storage)
        drain()
        assert indexed_resource_ids(engine) == {before}

        browser = TestClient(app, follow_redirects=False)
        sign_in_as_member(browser, owner_id)

        service.stop()
        during = {
            add(factory, owner_id, f"Written during the outage {n}", storage) for n in range(3)
        }
        answers = {
            path: browser.get(path).status_code
            for path in ("/resources", "/search?q=guide", "/api/v1/search?q=guide", "/readyz")
        }
        assert answers == {
            "/resources": 200,
            "/search?q=guide": 200,  # the page says search is unavailable
            "/api/v1/search?q=guide": 503,
            "/readyz": 200,  # this process can still serve
        }
        for _pass in range(MAX_ATTEMPTS * 3):
            drain_once(factory, handlers, wait_retry=timedelta(0))  # text extraction still runs
        with transaction(factory) as db:
            open_rows = list(
                db.execute(
                    select(OutboxMessage).where(OutboxMessage.processed_at.is_(None))
                ).scalars()
            )
            assert open_rows
            assert all(row.failed_at is None and row.attempts == 0 for row in open_rows)
            assert all((row.last_error or "").startswith("waiting: ") for row in open_rows)

        shutil.rmtree(data_dir / "data.ms")  # Meilisearch comes back with nothing
        wiped_at = utcnow()
        service = start(port, data_dir)
        drain()

        assert indexed_resource_ids(engine) == {before, *during}
        client = engine.client()
        definition = load_definition("content")
        assert client.get_index(engine.content_uid).primary_key == definition["primaryKey"]
        assert engine._stored_hash(client) == definitions_hash()  # settings recorded
        applied = client.index(engine.content_uid).get_settings()
        assert applied["filterableAttributes"]  # not Meilisearch's bare default ([])
        with transaction(factory) as db:
            rebuilds = (
                db.execute(select(OutboxMessage).where(OutboxMessage.topic == REBUILD_TOPIC))
                .scalars()
                .all()
            )
            assert all(row.processed_at is not None for row in rebuilds)
            assert [row for row in rebuilds if row.created_at >= wiped_at]
            failed = db.execute(
                select(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))
            ).all()
            assert failed == []
    finally:
        service.stop()
        app.state.engine.dispose()
