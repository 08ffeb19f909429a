"""The topics and organisations the list pages' filters show are kept per process
(app/web/reference_data.py): an admin's change shows on the next page; a row written
behind the services' back waits for the copy's time to run out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import transaction
from app.main import create_app
from app.members.models import Organisation, OrganisationKind
from app.topics.models import Topic
from app.topics.reference_data import ensure_topics
from tests.support.flows import csrf_token
from tests.support.portal import MakeMember
from tests.support.sessions import sign_in_as_member


@pytest.fixture
def caching_app(settings: Settings) -> Iterator[FastAPI]:
    """The suite's settings with the per-process copy switched on (the suite's app reads
    reference data on every page: its tests arrange rows directly)."""
    made = create_app(settings.model_copy(update={"reference_data_cache_seconds": 60.0}))
    yield made
    made.state.engine.dispose()


def test_an_admins_new_organisation_shows_on_the_next_list_page(
    caching_app: FastAPI, make: MakeMember, db: Session
) -> None:
    admin = make("Amara Okafor", is_admin=True)
    browser = TestClient(caching_app, base_url="http://testserver", follow_redirects=False)
    sign_in_as_member(browser, admin)
    assert "Leeds Trinity University" not in browser.get("/resources").text

    with transaction(caching_app.state.session_factory) as session:
        session.add(
            Organisation(
                name="Leeds Trinity University",
                slug="leeds-trinity-university",
                kind=OrganisationKind.UNIVERSITY,
            )
        )
    # written behind the services' back: the process keeps its copy
    assert "Leeds Trinity University" not in browser.get("/resources").text
    assert "Leeds Trinity University" not in browser.get("/events").text

    added = browser.post(
        "/admin/organisations",
        data={
            "csrftoken": csrf_token(browser),
            "name": "Leeds Beckett University",
            "kind": "university",
            "email_domains": "leedsbeckett.ac.uk",
        },
    )
    assert added.status_code == 303, added.text
    for page in ("/resources", "/events", "/resources/new", "/events/new"):
        text = browser.get(page).text
        assert "Leeds Beckett University" in text, page
        assert "Leeds Trinity University" in text, page  # the whole list was read again


def test_topics_added_by_the_service_show_on_the_next_list_page(
    caching_app: FastAPI, make: MakeMember, db: Session
) -> None:
    browser = TestClient(caching_app, base_url="http://testserver", follow_redirects=False)
    sign_in_as_member(browser, make("Bea Brown"))
    with transaction(caching_app.state.session_factory) as session:
        ensure_topics(session)
    assert "Kinship care" not in browser.get("/resources").text
    with transaction(caching_app.state.session_factory) as session:
        session.add(Topic(name="Kinship care", slug="kinship-care"))
        session.execute(delete(Topic).where(Topic.slug == "poverty"))
    assert "Kinship care" not in browser.get("/resources").text  # the copy is kept

    with transaction(caching_app.state.session_factory) as session:
        assert ensure_topics(session) == 1  # puts "Poverty" back and forgets the copy
    text = browser.get("/resources").text
    assert "Kinship care" in text and "Poverty" in text
