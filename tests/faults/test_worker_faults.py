"""The worker as an operator runs it (``portal worker``, its own process), against real
servers, one fault at a time: killed mid-batch, the database gone for 20 s, SMTP down.
After each: every change reaches the index, every e-mail is sent exactly once (counted at
the SMTP server), no request was answered 500, and the worker is still running.

The worker runs with a 3 s lease and a 1 s wait between retries of waiting rows, so rows
of a killed worker run again within seconds (the defaults: 45 s and 30 s)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.config import Settings
from app.db import transaction
from app.main import create_app
from app.members.models import Member
from app.notifications.kinds import NotificationKind
from app.notifications.service import notify
from app.outbox.models import OutboxMessage
from app.resources import service as resources
from app.resources.schemas import ResourceData
from app.search.engine import SearchEngine
from tests.conftest import seed_reference_data
from tests.support.database import postgres_server_url
from tests.support.factories import make_member
from tests.support.faults import TcpProxy, WorkerProcess, wait_until
from tests.support.sessions import sign_in_as_member
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.faults


@dataclass
class Portal:
    app: FastAPI
    settings: Settings
    sink: SmtpSink
    tmp_path: Path

    @property
    def factory(self):  # type: ignore[no-untyped-def]
        return self.app.state.session_factory

    def worker(self, name: str) -> WorkerProcess:
        return WorkerProcess(self.settings, self.tmp_path / f"{name}.log")


def build_portal(settings: Settings, tmp_path: Path, database_url: str | None = None) -> Portal:
    sink = SmtpSink()
    changed = settings.model_copy(
        update={
            "data_dir": tmp_path,
            "smtp_port": sink.port,
            "meili_index_prefix": f"faults{uuid.uuid4().hex[:6]}",
            **({"database_url": database_url} if database_url else {}),
        }
    )
    app = create_app(changed)
    seed_reference_data(app)
    return Portal(app=app, settings=changed, sink=sink, tmp_path=tmp_path)


@pytest.fixture
def portal(settings: Settings, tmp_path: Path) -> Iterator[Portal]:
    made = build_portal(settings, tmp_path)
    yield made
    made.sink.stop()
    made.app.state.engine.dispose()


def make_work(portal: Portal, label: str, count: int) -> tuple[dict[str, str], set[str]]:
    """``count`` members each told something by e-mail at once, and ``count`` resources;
    returns (address: member id) and the resources' ids."""
    addresses: dict[str, str] = {}
    resource_ids: set[str] = set()
    with portal.factory() as db:
        for number in range(count):
            member = make_member(db, name=f"{label} Member{number}", issuer="https://idp.test")
            addresses[member.email] = member.id
    with transaction(portal.factory) as db:
        for member_id in addresses.values():
            notify(
                db,
                member_id=member_id,
                kind=NotificationKind.MEMBERSHIP_DECISION,
                subject_type="member",
                subject_id=member_id,
                detail={"decision": "reinstated"},
            )
        owner = db.get_one(Member, next(iter(addresses.values())))
        for number in range(count):
            resource = resources.create_resource(
                db,
                storage=portal.app.state.file_storage,
                actor=owner,
                data=ResourceData(
                    title=f"{label} guide {number}",
                    summary="A practice guide.",
                    type="practice_guide",
                    topics=[],
                    external_url="https://example.org/guide",
                ),
                uploads=[],
                max_bytes=1024 * 1024,
            )
            resource_ids.add(resource.id)
    return addresses, resource_ids


def indexed_resource_ids(engine: SearchEngine) -> set[str]:
    try:
        documents = (
            engine.client()
            .index(engine.content_uid)
            .get_documents({"limit": 1000, "fields": ["id"]})
        ).results
    except Exception:
        return set()
    return {
        str(d.id).removeprefix("resource-")
        for d in documents
        if str(d.id).startswith("resource-") and "-chunk-" not in str(d.id)
    }


def everything_done(portal: Portal) -> bool:
    try:
        with transaction(portal.factory) as db:
            left = db.execute(
                select(OutboxMessage.id).where(OutboxMessage.processed_at.is_(None)).limit(1)
            ).first()
    except Exception:
        return False
    return left is None


def assert_each_sent_exactly_once(portal: Portal, addresses: dict[str, str]) -> None:
    received = sorted(str(message["To"]) for message in portal.sink.messages)
    assert received == sorted(addresses), received
    message_ids = [str(message["Message-ID"]) for message in portal.sink.messages]
    assert len(set(message_ids)) == len(message_ids)


def assert_nothing_failed(portal: Portal) -> None:
    with transaction(portal.factory) as db:
        failed = db.execute(
            select(OutboxMessage.topic, OutboxMessage.last_error).where(
                OutboxMessage.failed_at.is_not(None)
            )
        ).all()
    assert failed == []


def test_a_worker_killed_mid_batch_leaves_its_rows_to_the_next_one(portal: Portal) -> None:
    portal.sink.start()
    addresses, resource_ids = make_work(portal, "Killed", 5)
    first = portal.worker("first")
    second: WorkerProcess | None = None

    def kill_the_worker_on_the_third(number: int) -> str | None:
        if number == 3:
            first.process.kill()  # SIGKILL while the worker is in the middle of its batch
            return "451 4.3.0 Try again later"
        return None

    portal.sink.before_accepting = kill_the_worker_on_the_third
    try:
        wait_until(lambda: not first.alive, timeout=60, what="the first worker to be killed")
        assert len(portal.sink.messages) == 2
        second = portal.worker("second")
        wait_until(lambda: everything_done(portal), timeout=60, what="the second worker")
        assert_each_sent_exactly_once(portal, addresses)
        assert indexed_resource_ids(portal.app.state.search_engine) >= resource_ids
        assert_nothing_failed(portal)
        assert second.alive, second.log()
        assert "may have gone before the worker stopped" in second.log()
    finally:
        first.stop()
        if second is not None:
            second.stop()


def test_smtp_down_is_a_wait_and_each_mail_goes_once_when_it_is_back(portal: Portal) -> None:
    addresses, resource_ids = make_work(portal, "Waiting", 3)
    worker = portal.worker("worker")
    try:
        wait_until(
            lambda: indexed_resource_ids(portal.app.state.search_engine) >= resource_ids,
            timeout=60,
            what="indexing, which does not wait for SMTP",
        )
        time.sleep(4)  # several retries (every second) while SMTP is down
        with transaction(portal.factory) as db:
            waiting = (
                db.execute(select(OutboxMessage).where(OutboxMessage.processed_at.is_(None)))
                .scalars()
                .all()
            )
            assert waiting and all(row.attempts == 0 and row.failed_at is None for row in waiting)
        portal.sink.start()
        wait_until(lambda: everything_done(portal), timeout=60, what="mail after SMTP is back")
        assert_each_sent_exactly_once(portal, addresses)
        assert worker.alive, worker.log()
    finally:
        worker.stop()


@pytest.mark.skipif(
    postgres_server_url() is None,
    reason="stops the database server; SQLite is a file in this process (CI runs PostgreSQL)",
)
def test_the_database_gone_for_20_seconds(settings: Settings, tmp_path: Path) -> None:
    assert settings.resolved_database_url.startswith("postgresql")
    real = settings.resolved_database_url
    from sqlalchemy.engine import make_url

    target = make_url(real)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    portal = build_portal(settings, tmp_path, database_url=proxy.url_for(real))
    worker = portal.worker("worker")
    restored = threading.Event()
    try:
        browser = TestClient(portal.app, follow_redirects=False)
        with portal.factory() as db:
            reader = make_member(db, name="Rita Reader", issuer="https://idp.test")
        sign_in_as_member(browser, reader)
        assert browser.get("/resources").status_code == 200

        def outage_while_recording(number: int) -> str | None:
            if number == 1:  # the server takes the first mail; its "sent" cannot be written
                proxy.cut()
                threading.Timer(20, lambda: (proxy.restore(), restored.set())).start()
            return None

        portal.sink.before_accepting = outage_while_recording
        portal.sink.start()
        addresses, resource_ids = make_work(portal, "Outage", 3)
        wait_until(proxy.cut_off.is_set, timeout=60, what="the outage to begin")

        statuses: list[int] = []
        while not restored.is_set():
            page = browser.get("/resources")
            api = browser.get("/api/v1/resources")
            statuses += [page.status_code, api.status_code]
            if page.status_code == 503:
                assert page.headers["retry-after"] == "30"
                assert api.status_code == 503 and api.json()["status"] == 503
            time.sleep(1)
        assert 503 in statuses
        assert all(status in (200, 503) for status in statuses), statuses
        assert worker.alive, worker.log()

        wait_until(lambda: everything_done(portal), timeout=90, what="the worker after the outage")
        more, more_resources = make_work(portal, "After", 2)
        wait_until(lambda: everything_done(portal), timeout=60, what="work after the outage")
        assert_each_sent_exactly_once(portal, {**addresses, **more})
        assert indexed_resource_ids(portal.app.state.search_engine) >= resource_ids | more_resources
        assert_nothing_failed(portal)
        assert browser.get("/resources").status_code == 200
        assert worker.alive, worker.log()
        assert "as sent failed" in worker.log()  # the record waited out the outage
    finally:
        proxy.restore()
        worker.stop()
        portal.sink.stop()
        portal.app.state.engine.dispose()
        proxy.close()
