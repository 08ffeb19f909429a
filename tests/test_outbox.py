"""The outbox: rows are done only after their handler succeeds; failures back off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.outbox.models import OutboxMessage
from app.outbox.service import MAX_ATTEMPTS, drain_once, enqueue
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
        raise ConnectionError("Meilisearch is down")

    assert drain_once(app.state.session_factory, {"flaky": broken}) == 0
    see_committed(db)
    message = db.execute(select(OutboxMessage)).scalar_one()
    assert message.attempts == 1 and message.processed_at is None
    assert message.available_at > utcnow()
    assert "Meilisearch is down" in (message.last_error or "")

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
