"""The outbox: rows are done only after their handler succeeds; failures back off."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.db import utcnow
from app.outbox.models import OutboxMessage, WorkerHeartbeat
from app.outbox.service import (
    LEASE,
    MAX_ATTEMPTS,
    RetryLater,
    backlog,
    drain_once,
    enqueue,
    failed_rows,
    is_outage,
    retry_failed,
)
from app.outbox.worker import WorkerTasks, run_worker
from tests.support.database import see_committed


def test_handler_receives_payloads_and_rows_are_marked_done(app: FastAPI, db: Session) -> None:
    enqueue(db, topic="demo", payload={"n": 1})
    enqueue(db, topic="demo", payload={"n": 2})
    db.commit()
    seen: list[dict[str, Any]] = []
    assert drain_once(app.state.session_factory, {"demo": seen.extend}) == 2
    assert seen == [{"n": 1}, {"n": 2}]
    see_committed(db)
    assert all(m.processed_at for m in db.execute(select(OutboxMessage)).scalars())
    assert drain_once(app.state.session_factory, {"demo": seen.extend}) == 0


def test_failure_is_retried_later_then_given_up(app: FastAPI, db: Session) -> None:
    enqueue(db, topic="flaky", payload={})
    db.commit()

    def broken(_payloads: list[dict[str, Any]]) -> None:
        raise ValueError("the document is refused")

    assert drain_once(app.state.session_factory, {"flaky": broken}) == 0
    see_committed(db)
    message = db.execute(select(OutboxMessage)).scalar_one()
    assert message.attempts == 1 and message.processed_at is None
    assert message.available_at > utcnow()
    assert "the document is refused" in (message.last_error or "")

    # not due yet: nothing happens
    assert drain_once(app.state.session_factory, {"flaky": lambda p: None}) == 0

    for _ in range(MAX_ATTEMPTS - 1):
        db.execute(update(OutboxMessage).values(available_at=utcnow() - timedelta(seconds=1)))
        db.commit()
        drain_once(app.state.session_factory, {"flaky": broken})
    see_committed(db)
    message = db.execute(select(OutboxMessage)).scalar_one()
    assert message.attempts == MAX_ATTEMPTS, message.attempts
    assert message.failed_at is not None


def test_a_write_and_its_outbox_row_commit_together(app: FastAPI, db: Session) -> None:
    enqueue(db, topic="demo", payload={"n": 1})
    db.rollback()
    assert db.execute(select(OutboxMessage)).first() is None


def test_an_outage_is_a_wait_however_long_never_an_attempt(app: FastAPI, db: Session) -> None:
    enqueue(db, topic="needs.server", payload={})
    db.commit()

    def server_down(_payloads: list[dict[str, Any]]) -> None:
        raise RetryLater("the server is down")

    for _ in range(MAX_ATTEMPTS * 3):  # far past the give-up point of attempts
        assert drain_once(app.state.session_factory, {"needs.server": server_down}) == 0
        db.execute(update(OutboxMessage).values(available_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    see_committed(db)
    message = db.execute(select(OutboxMessage)).scalar_one()
    assert message.attempts == 0 and message.failed_at is None
    assert (message.last_error or "").startswith("waiting: ")
    assert drain_once(app.state.session_factory, {"needs.server": lambda p: None}) == 1


def test_database_and_connection_errors_count_as_outages() -> None:
    assert is_outage(ConnectionRefusedError("refused"))
    assert is_outage(OperationalError("SELECT 1", {}, Exception("server closed")))
    assert not is_outage(ValueError("a document Meilisearch rejects"))


def test_the_lease_is_renewed_while_a_slow_handler_runs(app: FastAPI, db: Session) -> None:
    message_id = enqueue(db, topic="slow", payload={}).id
    db.commit()
    lease = timedelta(seconds=0.3)
    seen_by_other_worker: list[int] = []

    def slow(_payloads: list[dict[str, Any]]) -> None:
        time.sleep(1.0)  # over three leases: without renewal another worker would claim it
        seen_by_other_worker.append(
            drain_once(app.state.session_factory, {"slow": lambda p: None}, lease=lease)
        )

    assert drain_once(app.state.session_factory, {"slow": slow}, lease=lease) == 1
    assert seen_by_other_worker == [0]
    see_committed(db)
    assert db.get_one(OutboxMessage, message_id).processed_at is not None


def test_a_crashed_workers_rows_are_due_again_when_the_short_lease_ends(
    app: FastAPI, db: Session
) -> None:
    enqueue(db, topic="work", payload={})
    db.commit()

    def crash(_payloads: list[dict[str, Any]]) -> None:
        raise SystemExit("killed mid-batch")

    with pytest.raises(SystemExit):
        drain_once(app.state.session_factory, {"work": crash})
    see_committed(db)
    message = db.execute(select(OutboxMessage)).scalar_one()
    assert message.processed_at is None
    assert message.available_at <= utcnow() + LEASE
    assert timedelta(minutes=1) >= LEASE


def test_failed_rows_can_be_retried(app: FastAPI, db: Session) -> None:
    first = enqueue(db, topic="flaky", payload={"n": 1})
    second = enqueue(db, topic="flaky", payload={"n": 2})
    first.failed_at = second.failed_at = utcnow()
    first.attempts = second.attempts = MAX_ATTEMPTS
    db.commit()
    assert [row.id for row in failed_rows(db)] == [second.id, first.id]
    assert retry_failed(db, message_ids=[first.id]) == 1
    db.commit()
    seen: list[dict[str, Any]] = []
    assert drain_once(app.state.session_factory, {"flaky": seen.extend}) == 1
    assert seen == [{"n": 1}]
    see_committed(db)
    assert backlog(db).failed == 1


def test_the_worker_loop_survives_errors_and_keeps_a_heartbeat(app: FastAPI, db: Session) -> None:
    enqueue(db, topic="demo", payload={"n": 1})
    db.commit()
    passes: list[int] = []

    def broken_periodic() -> None:
        passes.append(1)
        if len(passes) <= 2:
            raise OperationalError("SELECT 1", {}, Exception("the database restarts"))

    seen: list[dict[str, Any]] = []
    stop = threading.Event()
    tasks = WorkerTasks(handlers={"demo": seen.extend}, periodic=(broken_periodic,))
    loop = threading.Thread(
        target=run_worker,
        args=(app.state.session_factory,),
        kwargs={"tasks": tasks, "poll_seconds": 0.05, "stop_event": stop},
    )
    loop.start()
    try:
        deadline = time.monotonic() + 10
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert seen == [{"n": 1}]
        assert loop.is_alive()
        see_committed(db)
        beat = db.execute(select(WorkerHeartbeat)).scalar_one()
        assert beat.beat_at > utcnow() - timedelta(seconds=10)
    finally:
        stop.set()
        loop.join(timeout=10)
    assert not loop.is_alive()
    see_committed(db)
    assert db.execute(select(WorkerHeartbeat)).first() is None
