"""/healthz, /readyz (the process can serve: its database answers), /readyz?full=1 and the
admin status page (every dependency, the worker and failed side effects)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import utcnow
from app.devstack import free_port
from app.main import create_app
from app.members.models import Member
from app.outbox.models import OutboxMessage, WorkerHeartbeat
from app.outbox.service import MAX_ATTEMPTS
from app.search.engine import SearchEngine
from tests.support.database import see_committed
from tests.support.portal import MakeMember, form


def test_ready_when_the_database_answers(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok"}}


def test_still_ready_when_only_search_is_down(settings: Settings) -> None:
    """A load balancer must not take every web process out for a search outage."""
    closed = f"http://127.0.0.1:{free_port()}"
    app = create_app(settings.model_copy(update={"meili_url": closed}))
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 200
        full = client.get("/readyz", params={"full": "1"})
    assert full.status_code == 503
    checks = full.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["search"].startswith("unreachable")


def test_not_ready_names_the_database_when_it_is_down(settings: Settings) -> None:
    missing = "postgresql://nobody@127.0.0.1:1/none"
    app = create_app(settings.model_copy(update={"database_url": missing}))
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("unreachable")


def test_full_readiness_reports_a_dead_worker_and_failed_rows(
    client: TestClient, db: Session, mailbox: object, engine: SearchEngine
) -> None:
    full = client.get("/readyz", params={"full": "1"}).json()
    assert full["checks"]["worker"] == "no worker has reported"
    assert full["checks"]["smtp"] == "ok"
    assert full["checks"]["search index"] == "ok"
    assert "MB free" in full["details"]["file store"]

    db.add(WorkerHeartbeat(worker_id="host:1", beat_at=utcnow() - timedelta(minutes=5)))
    db.add(OutboxMessage(topic="demo", payload={}, attempts=MAX_ATTEMPTS, failed_at=utcnow()))
    db.commit()
    full = client.get("/readyz", params={"full": "1"}).json()
    assert full["checks"]["worker"].startswith("no heartbeat for 3")
    assert full["checks"]["failed outbox rows"] == "1 failed"

    db.add(WorkerHeartbeat(worker_id="host:2", beat_at=utcnow()))
    db.commit()
    assert client.get("/readyz", params={"full": "1"}).json()["checks"]["worker"] == "ok"


def test_admin_status_page_shows_failed_rows_and_retries_them(
    make: MakeMember, browser_of: Callable[[Member], TestClient], db: Session
) -> None:
    admin = make("Amara Okafor", is_admin=True)
    practitioner = make("Pat Practitioner")
    failed = OutboxMessage(
        topic="notifications.email",
        payload={"notification_id": 1},
        attempts=MAX_ATTEMPTS,
        failed_at=utcnow(),
        last_error="MailRejected: 550 no such user",
    )
    db.add(failed)
    db.commit()

    assert browser_of(practitioner).get("/admin/status").status_code in {403, 404}
    browser = browser_of(admin)
    page = browser.get("/admin/status")
    assert page.status_code == 200
    assert "550 no such user" in page.text
    assert "Worker" in page.text

    response = form(browser, "/admin/status/retry", message_id=str(failed.id))
    assert response.status_code == 303
    see_committed(db)
    row = db.get_one(OutboxMessage, failed.id)
    assert row.failed_at is None and row.attempts == 0


def test_health_is_public_and_minimal(client: TestClient, app: FastAPI) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
