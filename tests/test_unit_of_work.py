"""The request's unit of work keeps a write only when the answer is a success: any answer
of 400 or above, a redirect carrying an error message, or an exception rolls it back,
without the view calling rollback()."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.config import PROJECT_ROOT, Settings
from app.db import transaction
from app.main import create_app
from app.members.models import Member
from app.security.sessions import session_cookie_name, start_session
from app.topics.models import Topic
from app.web.deps import CurrentMember, DbSession, WritingDbSession
from app.web.flash import flash
from tests.support.database import see_committed
from tests.support.factories import make_member


@pytest.fixture
def probe_app(settings: Settings) -> FastAPI:
    """A portal with one extra page that writes a topic, then answers as it is told.

    The page is added to a portal of its own so that the shared one serves only real
    pages."""
    app = create_app(settings)
    router = APIRouter()

    @router.get("/probe/{slug}")
    def write_then_answer(
        slug: str, status: int, then: str, db: WritingDbSession, member: CurrentMember
    ) -> Response:
        db.add(Topic(slug=slug, name=slug))
        db.flush()
        if then == "raise":
            raise RuntimeError("boom")
        return Response(status_code=status)

    @router.get("/probe-refused/{slug}")
    def write_then_refuse(
        slug: str, request: Request, db: WritingDbSession, member: CurrentMember
    ) -> Response:
        db.add(Topic(slug=slug, name=slug))
        db.flush()
        response = RedirectResponse("/", status_code=303)
        flash(request, response, "That could not be done.", "error")
        return response

    @router.get("/probe-read/{slug}")
    def write_in_a_read(slug: str, db: DbSession, member: CurrentMember) -> Response:
        db.add(Topic(slug=slug, name=slug))
        db.flush()
        return Response(status_code=200)

    app.include_router(router)
    return app


@pytest.fixture
def probe(probe_app: FastAPI, db: Session, settings: Settings) -> Iterator[TestClient]:
    member = make_member(db, name="Una Unit", issuer="https://idp.invalid", organisation=None)
    with transaction(probe_app.state.session_factory) as session:
        token = start_session(
            session,
            member=session.get_one(Member, member.id),
            provider_name="leeds",
            id_token=None,
            settings=settings,
        )
    with TestClient(
        probe_app,
        base_url="http://testserver",
        follow_redirects=False,
        raise_server_exceptions=False,
    ) as client:
        client.cookies.set(session_cookie_name(settings), token)
        yield client


def topic_saved(db: Session, slug: str) -> bool:
    see_committed(db)
    return db.execute(select(Topic.id).where(Topic.slug == slug)).first() is not None


@pytest.mark.parametrize(
    ("status", "kept"),
    [(200, True), (303, True), (400, False), (404, False), (409, False), (422, False)],
)
def test_a_write_is_kept_only_for_a_success(
    probe: TestClient, db: Session, status: int, kept: bool
) -> None:
    response = probe.get(f"/probe/s{status}", params={"status": status, "then": "answer"})
    assert response.status_code == status
    assert topic_saved(db, f"s{status}") is kept


def test_an_exception_keeps_nothing(probe: TestClient, db: Session) -> None:
    response = probe.get("/probe/boom", params={"status": 200, "then": "raise"})
    assert response.status_code == 500
    assert not topic_saved(db, "boom")


def test_a_redirect_with_an_error_message_keeps_nothing(probe: TestClient, db: Session) -> None:
    response = probe.get("/probe-refused/refused")
    assert response.status_code == 303
    assert not topic_saved(db, "refused")


def test_a_get_that_writes_without_saying_so_is_refused(probe: TestClient, db: Session) -> None:
    """A GET's session only reads (on SQLite it holds no write lock): a route that writes
    must ask for WritingDbSession, or its write fails loudly instead of half-working."""
    response = probe.get("/probe-read/unsaid")
    assert response.status_code == 500
    assert not topic_saved(db, "unsaid")


def test_reads_go_on_while_another_connection_holds_the_write_lock(
    probe: TestClient, settings: Settings
) -> None:
    """On SQLite a GET runs in a deferred transaction: a writer holding the lock (here a
    second connection inside BEGIN IMMEDIATE) does not hold up pages."""
    if not settings.resolved_database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock; PostgreSQL readers never wait for writers")
    engine = create_engine(settings.resolved_database_url)
    with engine.connect() as writer:
        writer.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            started = time.monotonic()
            for path in ("/", "/resources", "/events", "/groups", "/notifications"):
                assert probe.get(path).status_code == 200, path
            assert time.monotonic() - started < 5  # the busy timeout is 10 s
        finally:
            writer.exec_driver_sql("ROLLBACK")
    engine.dispose()


def test_no_module_rolls_back_by_hand() -> None:
    """Only the unit of work (and the CLI's and worker's transaction helper in app/db.py)
    end a transaction early; views, APIs and services leave it to them."""
    owners = {PROJECT_ROOT / "app" / "web" / "unit_of_work.py", PROJECT_ROOT / "app" / "db.py"}
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "app").rglob("*.py")
        if path not in owners and ".rollback(" in path.read_text()
    ]
    assert offenders == []
