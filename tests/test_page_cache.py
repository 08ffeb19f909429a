"""The page cache (app/page_cache/): a session is served again the page it was last served
while nothing has been written anywhere since, and never a page that is out of date,
another session's page or a page it may no longer see."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import keep_pages, transaction, utcnow
from app.discussions.models import DiscussionVisit
from app.groups.models import GroupMembership, GroupRole
from app.main import create_app
from app.members.models import Member, MemberStatus
from app.page_cache.models import PageGeneration
from app.page_cache.serving import CACHE_HEADER
from app.topics.models import Topic
from tests.support.flows import csrf_token
from tests.support.portal import MakeMember, add_group, add_reply, add_resource, add_thread
from tests.support.sessions import sign_in_as_member
from tests.support.statements import counted_statements


@pytest.fixture
def cached_app(settings: Settings) -> Iterator[FastAPI]:
    made = create_app(settings.model_copy(update={"page_cache_seconds": 60.0}))
    yield made
    made.state.engine.dispose()


def browser_for(app: FastAPI, member: Member) -> TestClient:
    browser = TestClient(app, base_url="http://testserver", follow_redirects=False)
    sign_in_as_member(browser, member)
    return browser


def generation(app: FastAPI) -> int:
    with transaction(app.state.session_factory) as db:
        return db.execute(select(PageGeneration.value)).scalar_one()


def a_thread_and_its_reader(app: FastAPI, make: MakeMember) -> tuple[Member, str, TestClient, str]:
    """Ruth's thread, and Bea signed in to read it: (author, thread id, browser, path)."""
    author = make("Ruth Ellis")
    thread_id, _ = add_thread(app, author.id, "Supervision rotas", "What works?")
    return author, thread_id, browser_for(app, make("Bea Brown")), f"/discussions/t/{thread_id}"


def nonce_of(html: str) -> str:
    found = re.search(r'nonce="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_a_page_read_again_is_served_with_the_set_up_statement_alone(
    cached_app: FastAPI, make: MakeMember
) -> None:
    _author, _thread_id, browser, path = a_thread_and_its_reader(cached_app, make)
    browser.get(path)  # the first read writes a read marker, which moves the generation
    first = browser.get(path)
    assert first.status_code == 200 and CACHE_HEADER not in first.headers
    with counted_statements(cached_app) as statements:
        again = browser.get(path)
    assert again.status_code == 200
    assert again.headers[CACHE_HEADER] == "hit"
    assert [s for s in statements if s != "BEGIN"] == [statements[-1]]  # the set-up only
    assert "Supervision rotas" in again.text
    # a fresh CSP nonce, the same in the header and in the page
    nonce = nonce_of(again.text)
    assert nonce != nonce_of(first.text)
    assert f"'nonce-{nonce}'" in again.headers["content-security-policy"]
    assert again.text.replace(nonce, "N") == first.text.replace(nonce_of(first.text), "N")


def test_a_reply_by_someone_else_shows_on_the_next_view(
    cached_app: FastAPI, make: MakeMember
) -> None:
    author, thread_id, browser, path = a_thread_and_its_reader(cached_app, make)
    for _ in range(3):
        browser.get(path)
    assert browser.get(path).headers.get(CACHE_HEADER) == "hit"
    before = generation(cached_app)
    add_reply(cached_app, author.id, thread_id, "Fortnightly reflective sessions help us.")
    assert generation(cached_app) > before
    after = browser.get(path)
    assert CACHE_HEADER not in after.headers
    assert "Fortnightly reflective sessions help us." in after.text
    assert browser.get("/discussions").status_code == 200


def test_a_page_is_never_served_to_another_session(cached_app: FastAPI, make: MakeMember) -> None:
    insider, outsider = make("Ruth Ellis"), make("Bea Brown")
    group_id = add_group(cached_app, "Principal social workers", {insider.id: GroupRole.OWNER})
    path = f"/resources/{add_resource(cached_app, insider.id, 'PSW minutes', group_id)}"
    inside = browser_for(cached_app, insider)
    inside.get(path)
    assert inside.get(path).headers.get(CACHE_HEADER) == "hit"
    outside = browser_for(cached_app, outsider)
    refused = outside.get(path)
    assert refused.status_code == 404
    assert "PSW minutes" not in refused.text
    # the same member in a second session renders their own page
    second = browser_for(cached_app, insider)
    assert CACHE_HEADER not in second.get(path).headers


def test_leaving_a_closed_group_closes_its_pages_at_once(
    cached_app: FastAPI, make: MakeMember
) -> None:
    owner, member = make("Ruth Ellis"), make("Bea Brown")
    group_id = add_group(
        cached_app,
        "Principal social workers",
        {owner.id: GroupRole.OWNER, member.id: GroupRole.MEMBER},
    )
    path = f"/resources/{add_resource(cached_app, owner.id, 'PSW minutes', group_id)}"
    browser = browser_for(cached_app, member)
    browser.get(path)
    assert browser.get(path).headers.get(CACHE_HEADER) == "hit"
    with transaction(cached_app.state.session_factory) as db:
        db.execute(
            delete(GroupMembership).where(
                GroupMembership.group_id == group_id, GroupMembership.member_id == member.id
            )
        )
    assert browser.get(path).status_code == 404


def test_a_suspended_member_is_not_served_a_kept_page(
    cached_app: FastAPI, make: MakeMember
) -> None:
    member = make("Bea Brown")
    browser = browser_for(cached_app, member)
    browser.get("/events")
    assert browser.get("/events").headers.get(CACHE_HEADER) == "hit"
    with transaction(cached_app.state.session_factory) as db:
        keep_pages(db)  # even a write that leaves the generation: access is checked first
        db.execute(
            update(Member).where(Member.id == member.id).values(status=MemberStatus.SUSPENDED)
        )
    answer = browser.get("/events")
    assert answer.status_code != 200 and CACHE_HEADER not in answer.headers


def test_a_message_after_an_action_shows_once_and_its_page_is_not_kept(
    cached_app: FastAPI, make: MakeMember
) -> None:
    _author, thread_id, browser, path = a_thread_and_its_reader(cached_app, make)
    browser.get(path)
    browser.get(path)
    followed = browser.post(
        f"/discussions/t/{thread_id}/follow", data={"csrftoken": csrf_token(browser)}
    )
    assert followed.status_code == 303, followed.text
    shown = browser.get(followed.headers["location"])
    assert CACHE_HEADER not in shown.headers
    message = re.search(r'banner__heading">([^<]+)<', shown.text)
    assert message is not None and message.group(1).strip()
    again = browser.get(followed.headers["location"])
    assert message.group(1) not in again.text


def test_only_writes_that_change_a_row_move_the_generation(cached_app: FastAPI) -> None:
    factory = cached_app.state.session_factory
    start = generation(cached_app)
    with transaction(factory) as db:
        db.execute(update(Member).where(Member.id == "nobody").values(bio="x"))
    assert generation(cached_app) == start
    with transaction(factory) as db:
        db.execute(select(Member.id)).all()
    assert generation(cached_app) == start
    with transaction(factory) as db:
        keep_pages(db)
        db.add(Topic(name="Kinship care", slug="kinship-care"))
    assert generation(cached_app) == start
    with transaction(factory) as db:
        db.execute(delete(Topic).where(Topic.slug == "kinship-care"))
    assert generation(cached_app) == start + 1


def test_a_kept_page_is_served_for_a_limited_time(settings: Settings, make: MakeMember) -> None:
    app = create_app(settings.model_copy(update={"page_cache_seconds": 3.0}))
    try:
        browser = browser_for(app, make("Bea Brown"))
        started = time.monotonic()
        browser.get("/events")
        rendered = time.monotonic()  # the page was kept between these two moments
        kept = browser.get("/events")
        if time.monotonic() - started < 3.0:  # a very busy machine may take longer
            assert kept.headers.get(CACHE_HEADER) == "hit"
        time.sleep(max(0.0, rendered + 3.1 - time.monotonic()))
        assert CACHE_HEADER not in browser.get("/events").headers
    finally:
        app.state.engine.dispose()


def test_the_api_and_a_rolled_back_write_are_never_kept(
    cached_app: FastAPI, make: MakeMember, db: Session
) -> None:
    browser = browser_for(cached_app, make("Bea Brown"))
    browser.get("/api/v1/me")
    assert CACHE_HEADER not in browser.get("/api/v1/me").headers
    start = generation(cached_app)
    with pytest.raises(RuntimeError), transaction(cached_app.state.session_factory) as session:
        session.add(Topic(name="Never saved", slug="never-saved"))
        session.flush()
        raise RuntimeError("refused")
    assert generation(cached_app) == start


@pytest.mark.parametrize(
    ("last_visit_ago", "retires_pages"),
    [(timedelta(minutes=2), False), (timedelta(hours=2), True)],
)
def test_a_visit_retires_pages_only_when_it_changes_what_is_new(
    cached_app: FastAPI, make: MakeMember, last_visit_ago: timedelta, retires_pages: bool
) -> None:
    """A visit within half an hour of the last only moves its time, which no page shows;
    one after a gap moves "new since your last visit", which the member's pages show."""
    reader, visitor = make("Ruth Ellis"), make("Bea Brown")
    then = utcnow() - last_visit_ago
    with transaction(cached_app.state.session_factory) as db:
        db.add(DiscussionVisit(member_id=visitor.id, previous_visit_at=None, last_visit_at=then))
    reading, visiting = browser_for(cached_app, reader), browser_for(cached_app, visitor)
    reading.get("/events")
    assert reading.get("/events").headers.get(CACHE_HEADER) == "hit"
    start = generation(cached_app)
    assert visiting.get("/discussions").status_code == 200
    with transaction(cached_app.state.session_factory) as db:
        visit = db.get_one(DiscussionVisit, visitor.id)
        assert visit.last_visit_at > then
    assert (generation(cached_app) > start) is retires_pages
    assert (CACHE_HEADER not in reading.get("/events").headers) is retires_pages
