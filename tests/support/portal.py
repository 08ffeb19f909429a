"""Shared fixtures and helpers for tests that drive the portal as several members: make
members, open a signed-in browser for each, call the API and forms with the CSRF token, run
the worker, and arrange content through the real services. Loaded for every test module as
a pytest plugin (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.db import transaction, utcnow
from app.discussions import service as discussions
from app.discussions.models import Category, Post
from app.discussions.schemas import PostCreate, ThreadCreate
from app.discussions.seed import seed_discussions
from app.events.models import Event, EventType
from app.groups.models import Group, GroupKind, GroupMembership, GroupRole
from app.members.models import Member
from app.notifications.service import ANNOUNCE_TOPIC
from app.outbox.service import drain_once
from app.resources import service as resources
from app.resources.schemas import ResourceData
from app.search.engine import SearchEngine
from app.worker import registered_handlers
from tests.support.database import see_committed
from tests.support.factories import make_member
from tests.support.flows import csrf_token
from tests.support.sessions import sign_in_as_member

MakeMember = Callable[..., Member]


@pytest.fixture
def make(client: TestClient, db: Session, oidc_primary_url: str) -> MakeMember:
    def factory(name: str, **kwargs: object) -> Member:
        return make_member(db, name=name, issuer=oidc_primary_url, **kwargs)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def browser_of(app: FastAPI) -> Iterator[Callable[[Member], TestClient]]:
    """A browser signed in as an existing member (the session sign-in would start)."""
    opened: list[TestClient] = []

    def open_for(member: Member) -> TestClient:
        browser = TestClient(app, base_url="http://testserver", follow_redirects=False)
        sign_in_as_member(browser, member)
        opened.append(browser)
        return browser

    yield open_for
    for browser in opened:
        browser.close()


def api(browser: TestClient, method: str, path: str, body: Any = None) -> httpx.Response:
    return browser.request(method, path, json=body, headers={"X-CSRFToken": csrf_token(browser)})


def form(browser: TestClient, path: str, **data: str) -> httpx.Response:
    return browser.post(path, data={"csrftoken": csrf_token(browser), **data})


def run_worker(app: FastAPI) -> None:
    handlers = registered_handlers(app.state.session_factory, app.state.settings)
    while drain_once(app.state.session_factory, handlers):
        pass


def tell_now(app: FastAPI) -> None:
    """The worker's first step only: turn announcements into notifications (no e-mail)."""
    handlers = registered_handlers(app.state.session_factory, app.state.settings)
    while drain_once(app.state.session_factory, {ANNOUNCE_TOPIC: handlers[ANNOUNCE_TOPIC]}):
        pass


@pytest.fixture
def engine(app: FastAPI) -> SearchEngine:
    """The session's index, emptied: documents of earlier tests outlive their rows."""
    search_engine: SearchEngine = app.state.search_engine
    search_engine.ensure_current()
    client = search_engine.client()
    search_engine.wait(
        client, [client.index(search_engine.content_uid).delete_all_documents().task_uid]
    )
    return search_engine


def search_urls(browser: TestClient, q: str) -> list[str]:
    response = browser.get("/api/v1/search", params={"q": q})
    assert response.status_code == 200, response.text
    return [hit["url"] for hit in response.json()["hits"]]


# --- arranging content through the real services ---------------------------------------------


def add_resource(app: FastAPI, owner_id: str, title: str, group_id: str | None = None) -> str:
    with transaction(app.state.session_factory) as session:
        resource = resources.create_resource(
            session,
            storage=app.state.file_storage,
            actor=session.get_one(Member, owner_id),
            data=ResourceData(
                title=title,
                summary="A practice guide.",
                type="practice_guide",
                topics=[],
                external_url="https://example.org/guide",
            ),
            uploads=[],
            max_bytes=1024 * 1024,
        )
        if group_id:
            resource.group_id = group_id  # arranged: the groups service owns posting rules
        return resource.id


def add_thread(app: FastAPI, author_id: str, title: str, body: str) -> tuple[str, str]:
    """A thread in the first seeded category; returns (thread id, opening post id)."""
    with transaction(app.state.session_factory) as session:
        public = select(Category.id).where(Category.group_id.is_(None)).limit(1)
        if session.execute(public).first() is None:
            seed_discussions(session)
            session.flush()
        category_id = (
            session.execute(
                select(Category.id).where(Category.group_id.is_(None)).order_by(Category.position)
            )
            .scalars()
            .first()
        )
        assert category_id is not None
        thread = discussions.start_thread(
            session,
            actor=session.get_one(Member, author_id),
            data=ThreadCreate(category_id=category_id, title=title, body=body),
        )
        opening = session.execute(
            select(Post.id).where(Post.thread_id == thread.id, Post.number == 1)
        ).scalar_one()
        return thread.id, opening


def add_reply(app: FastAPI, author_id: str, thread_id: str, body: str) -> str:
    with transaction(app.state.session_factory) as session:
        post = discussions.reply(
            session,
            actor=session.get_one(Member, author_id),
            thread_id=thread_id,
            data=PostCreate(body=body),
        )
        return post.id


def add_group(app: FastAPI, name: str, roles: dict[str, GroupRole]) -> str:
    with transaction(app.state.session_factory) as session:
        group = Group(
            name=name,
            slug=name.lower().replace(" ", "-"),
            description="A group.",
            kind=GroupKind.PRIVATE,
        )
        session.add(group)
        session.flush()
        for member_id, role in roles.items():
            session.add(GroupMembership(group_id=group.id, member_id=member_id, role=role))
        return group.id


def add_event(
    app: FastAPI, organiser_id: str, title: str, starts_in: timedelta = timedelta(days=10)
) -> str:
    """An online training event of two hours, starting ``starts_in`` from now."""
    with transaction(app.state.session_factory) as session:
        start = utcnow() + starts_in
        event = Event(
            title=title,
            description="A workshop.",
            description_html="<p>A workshop.</p>",
            type=EventType.TRAINING,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            online=True,
            organiser_id=organiser_id,
        )
        session.add(event)
        session.flush()
        return event.id


def report(browser: TestClient, kind: str, target_id: str, reason: str = "spam", note: str = ""):
    return api(
        browser,
        "POST",
        "/api/v1/moderation/reports",
        {"kind": kind, "id": target_id, "reason": reason, "note": note},
    )


def audit_actions(db: Session) -> list[str]:
    see_committed(db)
    return list(db.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
