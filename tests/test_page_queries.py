"""The SQL statements each busy page runs stay at or below what issue 20 brought them to,
and do not grow with the content shown: a later change cannot quietly add a query per
page (or per row). Every request also pays the set-up statement (app/security/signed_in.py)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.db import transaction
from app.groups.models import GroupRole
from app.members.models import Member
from app.notifications.kinds import NotificationKind
from app.notifications.service import notify
from app.reference_data import forget_reference_data
from tests.support.portal import (
    MakeMember,
    add_event,
    add_group,
    add_reply,
    add_resource,
    add_thread,
)
from tests.support.sessions import sign_in_as_member
from tests.support.statements import counted_statements
from tests.test_reference_data_cache import caching_app  # noqa: F401  (a fixture)

# Statements per steady-state view (the first view may write a visit or a read marker),
# leaving out SQLite's BEGIN (PostgreSQL's driver opens transactions without a statement).
PAGE_BUDGETS = {
    "floor": 1,
    "home": 8,
    "discussions": 7,
    "thread": 10,
    "resources": 5,
    "resource": 6,
    "events": 6,
    "event": 5,
    "groups": 5,
    "search": 1,
    "notifications": 7,
}


def add_content(app: FastAPI, author: Member, reader: Member, round_number: int) -> dict[str, str]:
    """A thread with a reply, a resource and an event of the author's, a group the reader
    is in, and a notification for the reader; returns the pages showing the first ones."""
    thread_id, _opening = add_thread(
        app, author.id, f"Thread {round_number} on supervision", "What works for you?"
    )
    reply_id = add_reply(app, author.id, thread_id, "Fortnightly reflective sessions.")
    resource_id = add_resource(app, author.id, f"Practice guide {round_number}")
    event_id = add_event(app, author.id, f"Workshop {round_number}")
    add_group(
        app,
        f"Circle {round_number}",
        {author.id: GroupRole.OWNER, reader.id: GroupRole.MEMBER},
    )
    with transaction(app.state.session_factory) as db:
        notify(
            db,
            member_id=reader.id,
            kind=NotificationKind.REPLY,
            subject_type="post",
            subject_id=reply_id,
            actor_id=author.id,
        )
    return {
        "thread": f"/discussions/t/{thread_id}",
        "resource": f"/resources/{resource_id}",
        "event": f"/events/{event_id}",
    }


def statements_per_page(
    app: FastAPI, db: Session, browser: TestClient, places: dict[str, str]
) -> dict[str, int]:
    paths = {
        "floor": "/healthz",
        "home": "/",
        "discussions": "/discussions",
        "thread": places["thread"],
        "resources": "/resources",
        "resource": places["resource"],
        "events": "/events",
        "event": places["event"],
        "groups": "/groups",
        "search": "/search?q=supervision",
        "notifications": "/notifications",
    }
    # The home page's shared figures are kept a minute per process and database: an earlier
    # test's would lack this test's organisations (arranged without the services).
    forget_reference_data(db)
    counts = {}
    for page, path in paths.items():
        browser.get(path)
        with counted_statements(app) as statements:
            response = browser.get(path)
        assert response.status_code == 200, (page, response.status_code, response.text[:300])
        counts[page] = len([s for s in statements if s != "BEGIN"])
    return counts


def test_pages_run_few_statements_whatever_the_content(
    caching_app: FastAPI,  # noqa: F811
    make: MakeMember,
    db: Session,
) -> None:
    """With the per-process copy of topics and organisations on, as in production."""
    app = caching_app
    author = make("Ruth Ellis")
    reader = make("Bea Brown")
    browser = TestClient(app, base_url="http://testserver", follow_redirects=False)
    sign_in_as_member(browser, reader)
    places = add_content(app, author, reader, 1)
    few = statements_per_page(app, db, browser, places)
    for round_number in range(2, 6):
        add_content(app, author, reader, round_number)
    more = statements_per_page(app, db, browser, places)

    print(f"\nSQL statements per page: {few}\nwith five times the content: {more}")
    assert more == few
    over = {page: count for page, count in few.items() if count > PAGE_BUDGETS[page]}
    assert not over, f"pages over their statement budget {PAGE_BUDGETS}: {over}"
