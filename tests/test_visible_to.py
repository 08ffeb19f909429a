"""Issue 14, safe defaults in groups: every group item says who can see it ("Visible to:
<group> members only") on its page and its card in lists; the label never tells a
non-member that the group or its item exists."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from app.db import transaction
from app.discussions.models import Category, Thread
from app.events.models import Event
from app.groups.models import GroupRole
from tests.support.portal import MakeMember, add_event, add_group, add_thread

LABEL = "Visible to: Fostering leads members only"


def card(listing: str, title: str) -> str:
    return listing.split(title, 1)[1].split("</li>", 1)[0]


def test_group_threads_and_events_say_who_can_see_them(
    app: FastAPI, client: TestClient, make: MakeMember, browser_of
) -> None:
    lead = make("Gail Lead")
    outsider = make("Oona Outsider")
    group_id = add_group(app, "Fostering leads", {lead.id: GroupRole.MEMBER})
    thread_id, _ = add_thread(app, lead.id, "Placement stability audit", "Our findings so far.")
    open_thread_id, _ = add_thread(app, lead.id, "Open question", "Anyone?")
    event_id = add_event(app, lead.id, "Fostering leads meeting")
    open_event_id = add_event(app, lead.id, "Open workshop")
    with transaction(app.state.session_factory) as session:
        # arranged: the groups service owns posting rules
        session.execute(update(Thread).where(Thread.id == thread_id).values(group_id=group_id))
        session.execute(update(Event).where(Event.id == event_id).values(group_id=group_id))
        slug = session.execute(
            select(Category.slug)
            .join(Thread, Thread.category_id == Category.id)
            .where(Thread.id == thread_id)
        ).scalar_one()
    member = browser_of(lead)

    thread_page = member.get(f"/discussions/t/{thread_id}")
    assert thread_page.status_code == 200 and LABEL in thread_page.text
    listing = member.get(f"/discussions/c/{slug}").text
    assert LABEL in card(listing, "Placement stability audit")
    assert "Visible to:" not in card(listing, "Open question")
    assert "Visible to:" not in member.get(f"/discussions/t/{open_thread_id}").text

    event_page = member.get(f"/events/{event_id}")
    assert event_page.status_code == 200 and LABEL in event_page.text
    events = member.get("/events").text
    assert LABEL in card(events, "Fostering leads meeting")
    assert "Visible to:" not in card(events, "Open workshop")
    assert "Visible to:" not in member.get(f"/events/{open_event_id}").text

    group_slug = "fostering-leads"
    assert LABEL in member.get(f"/groups/{group_slug}").text

    other = browser_of(outsider)
    assert other.get(f"/discussions/t/{thread_id}").status_code == 404
    assert other.get(f"/events/{event_id}").status_code == 404
    assert LABEL not in other.get(f"/groups/{group_slug}").text
    for page in (f"/discussions/c/{slug}", "/events"):
        text = other.get(page).text
        assert "Fostering leads" not in text and "Placement stability audit" not in text
