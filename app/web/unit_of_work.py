"""The request's unit of work: one database session per request, committed only when the
answer is a success.

Views return 4xx answers of their own (a form re-rendered with its errors, a problem
document) as well as raising. Either way nothing the request flushed may stay: the
middleware sees the status line before a byte of the answer is sent, and commits for an
answer below 400, rolls back for 400 and above. A redirect that carries an error message
(the post/redirect/get answer to a refused action, see app/web/flash.py) is a refusal too
and rolls back. An exception rolls back at once. So no view ever calls ``rollback()``, and
a view that forgets cannot commit half a write.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.db import PendingWrite, keep_pages, pending_writes, transaction

logger = logging.getLogger(__name__)

STATE_KEY = "unit_of_work"
REFUSED_KEY = "unit_of_work_refused"


def mark_refused(request: Request) -> None:
    """The answer tells the member their action did not happen: keep none of its writes."""
    request.state.unit_of_work_refused = True


READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def open_unit_of_work(request: Request) -> Iterator[Session]:
    """The request dependency. A GET (HEAD, OPTIONS) gets a session that only reads: on
    SQLite a deferred transaction that takes no write lock, so reads never queue behind
    writes. Other methods, and GET routes that write (open_writing_unit_of_work), take
    the write lock up front. On an exception the session is rolled back and closed here;
    otherwise UnitOfWorkMiddleware finishes it once the status is known."""
    if request.method in READING_METHODS:
        yield from _open(request, request.app.state.read_session_factory)
    else:
        yield from _open(request, request.app.state.session_factory)


def open_writing_unit_of_work(request: Request) -> Iterator[Session]:
    """For the few GET routes that write (opening a notification marks it read)."""
    yield from _open(request, request.app.state.session_factory)


def _open(request: Request, factory: sessionmaker[Session]) -> Iterator[Session]:
    session: Session = factory()
    request.state.unit_of_work = session
    try:
        yield session
    except BaseException:
        _discard(request.scope)
        raise


def _pop(scope: Scope) -> Session | None:
    state: dict[str, Any] = scope.get("state") or {}
    return state.pop(STATE_KEY, None)


def _discard(scope: Scope) -> None:
    session = _pop(scope)
    if session is not None:
        # close() rolls back without expiring loaded objects, so an error page rendered
        # afterwards can still show the signed-in member's name.
        session.close()


def _finish(scope: Scope, status: int) -> None:
    session = _pop(scope)
    if session is None:
        return
    refused = bool((scope.get("state") or {}).get(REFUSED_KEY))
    succeeded = status < 400 and not refused
    try:
        if succeeded:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()
    writes = pending_writes(session)
    if succeeded and writes:
        _write_after_reading(scope, writes)


def _write_after_reading(scope: Scope, writes: list[PendingWrite]) -> None:
    """The page's small writes (app/db.py write_after_reading), in one short transaction
    after its reads. They are bookkeeping (a visit, a read marker): if the database stays
    locked past its busy timeout, the page is still served and the failure logged."""
    try:
        with transaction(scope["app"].state.session_factory) as db:
            if not any(write.shown for write in writes):
                keep_pages(db)
            for write in writes:
                db.execute(write.statement)
    except OperationalError as error:
        logger.warning("writes after reading %s skipped: %s", scope.get("path"), error)


class UnitOfWorkMiddleware:
    """Commits or rolls back the request's session when the answer's status line passes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_after_finishing(message: Message) -> None:
            if message["type"] == "http.response.start":
                await run_in_threadpool(_finish, scope, int(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, send_after_finishing)
        finally:
            if (scope.get("state") or {}).get(STATE_KEY) is not None:
                await run_in_threadpool(_discard, scope)
