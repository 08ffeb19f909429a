"""Opportunity alerts: a saved filter tells its member of matching new opportunities, exactly
as its list would show them, once per member, by the worker (a request's statements do not
grow with the number of alerts), and e-mail follows the member's preferences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.db import LONDON, new_id, utcnow
from app.members.models import Member
from app.notifications.models import Notification
from app.opportunities.models import Opportunity, OpportunityAlert
from app.topics.models import Topic
from tests.support.database import apply_changes, count_rows, see_committed
from tests.support.factories import organisation_named
from tests.support.portal import MakeMember, api, form, run_worker, tell_now
from tests.support.smtp import SmtpSink
from tests.support.statements import counted_statements
from tests.test_notifications import send_digests_now, text_part
from tests.test_opportunities import body

LONDON_TODAY = datetime.now(UTC).astimezone(LONDON).date()
IN_THREE_DAYS = (LONDON_TODAY + timedelta(days=3)).isoformat()
NEXT_MONTH = (LONDON_TODAY + timedelta(days=30)).isoformat()


def told_of(db: Session, member: Member) -> list[str]:
    """The opportunities the member was told of, by id."""
    see_committed(db)
    return list(
        db.execute(
            select(Notification.subject_id)
            .where(Notification.member_id == member.id, Notification.kind == "opportunity_match")
            .order_by(Notification.id)
        ).scalars()
    )


def test_an_alert_matches_exactly_the_filter_it_saved(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    admin_member = make("Ada Admin", is_admin=True)
    admin = browser_of(admin_member)
    watcher_member, everything_member = make("Wendy Watcher"), make("Eve Everything")
    watcher, everything = browser_of(watcher_member), browser_of(everything_member)
    sheffield = organisation_named(db, "Sheffield City Council").id
    area, other_area = db.execute(select(Topic.name).order_by(Topic.name).limit(2)).scalars()

    wanted = {
        "kind": "asye",
        "organisation": sheffield,
        "practice_area": area,
        "location": "office",
        "closing": "week",
    }
    listed = watcher.get("/opportunities", params=wanted)
    assert "Tell me of new opportunities like these" in listed.text
    saved = form(watcher, "/opportunities/alerts", **wanted)
    assert saved.status_code == 303 and saved.headers["location"] == "/opportunities/alerts"
    page = watcher.get("/opportunities/alerts").text
    assert f"ASYE place, Sheffield City Council, {area}, Office, closing within a week" in page
    again = form(watcher, "/opportunities/alerts", **wanted)
    assert (
        "You already have an alert for these filters."
        in watcher.get(again.headers["location"]).text
    )
    assert api(everything, "POST", "/api/v1/opportunities/alerts", {}).status_code == 201
    assert api(admin, "POST", "/api/v1/opportunities/alerts", {}).status_code == 201  # the poster
    assert count_rows(db, OpportunityAlert) == 3

    matching = body(
        kind="asye",
        organisation_id=sheffield,
        practice_area=area,
        location="office",
        closing_date=IN_THREE_DAYS,
    )
    differing = [
        {"kind": "permanent"},
        {"organisation_id": organisation_named(db, "Leeds City Council").id},
        {"practice_area": other_area},
        {"location": "hybrid"},
        {"closing_date": NEXT_MONTH},
    ]
    posted = []
    for changes in [{}, *differing]:
        response = api(admin, "POST", "/api/v1/opportunities", {**matching, **changes})
        assert response.status_code == 201, response.text
        posted.append(response.json()["id"])
    assert told_of(db, watcher_member) == []  # the worker tells, not the request
    tell_now(app)

    assert told_of(db, watcher_member) == [posted[0]]
    # exactly what the saved filter's list shows
    api_filter = {
        "kind": "asye",
        "organisation_id": sheffield,
        "practice_area": area,
        "location": "office",
        "closing_within_week": "true",
    }
    shown = watcher.get("/api/v1/opportunities", params=api_filter).json()["opportunities"]
    assert [item["id"] for item in shown] == [posted[0]]
    assert sorted(told_of(db, everything_member)) == sorted(posted)
    assert told_of(db, admin_member) == []  # nobody is told of their own posting
    notifications = watcher.get("/notifications").text
    assert "New opportunity matching your alert: “Senior social worker" in notifications
    items = watcher.get("/api/v1/notifications").json()
    assert f"/opportunities/{posted[0]}" in str(items)


def test_alerts_are_a_members_own_and_bad_input_is_refused(
    db: Session, make: MakeMember, browser_of: Any
) -> None:
    owner, other = browser_of(make("Olive Owner")), browser_of(make("Oscar Other"))
    created = api(owner, "POST", "/api/v1/opportunities/alerts", {"kind": "research"})
    assert (
        created.status_code == 201 and created.json()["list_url"] == "/opportunities?kind=research"
    )
    alert_id = created.json()["id"]
    assert api(other, "GET", "/api/v1/opportunities/alerts").json() == []
    assert api(other, "DELETE", f"/api/v1/opportunities/alerts/{alert_id}").status_code == 404
    assert form(other, f"/opportunities/alerts/{alert_id}/delete").status_code == 404
    for bad in (
        {"kind": "nonsense"},
        {"organisation_id": "no-such"},
        {"practice_area": "Knitting"},
    ):
        refused = api(owner, "POST", "/api/v1/opportunities/alerts", bad)
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert count_rows(db, OpportunityAlert) == 1
    assert api(owner, "DELETE", f"/api/v1/opportunities/alerts/{alert_id}").status_code == 204
    assert count_rows(db, OpportunityAlert) == 0


def _add_alerts(db: Session, member_ids: list[str], **fields: object) -> None:
    see_committed(db)
    db.execute(
        insert(OpportunityAlert),
        [
            {
                "id": new_id(),
                "member_id": member_id,
                "closing_within_week": False,
                "created_at": utcnow(),
                **fields,
            }
            for member_id in member_ids
        ],
    )
    db.commit()


def test_a_member_is_told_once_and_posting_costs_the_same_for_many_alerts(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    admin = browser_of(make("Ada Admin", is_admin=True))
    twice = make("Tess Twice")

    def statements_to_post(title: str) -> tuple[str, int]:
        with counted_statements(app) as statements:
            response = api(admin, "POST", "/api/v1/opportunities", body(title=title))
        assert response.status_code == 201, response.text
        return response.json()["id"], len(statements)

    statements_to_post("Before any alert")  # the session's first request loads more
    _add_alerts(db, [twice.id], kind="permanent")
    _add_alerts(db, [twice.id], location="hybrid")
    first, few = statements_to_post("With two alerts")
    tell_now(app)
    assert told_of(db, twice) == [first]

    crowd = [make(f"Member {number}") for number in range(12)]
    _add_alerts(db, [member.id for member in crowd], kind="permanent")
    _add_alerts(db, [member.id for member in crowd[:6]], location="hybrid")
    second, many = statements_to_post("With twenty alerts")
    assert many == few
    tell_now(app)
    assert told_of(db, twice) == [first, second]
    assert all(told_of(db, member) == [second] for member in crowd)

    # closed, then reopened: news for an alert saved meanwhile, not again for the others
    apply_changes(
        db,
        update(Opportunity)
        .where(Opportunity.id == second)
        .values(closes_at=utcnow() - timedelta(minutes=1)),
    )
    latecomer = make("Lou Latecomer")
    _add_alerts(db, [latecomer.id])
    reopened = api(admin, "PUT", f"/api/v1/opportunities/{second}", body(title="Reopened"))
    assert reopened.status_code == 200 and reopened.json()["is_closed"] is False
    tell_now(app)
    assert told_of(db, latecomer) == [second]
    assert told_of(db, twice) == [first, second]


def test_email_follows_the_members_preferences(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, mailbox: SmtpSink
) -> None:
    admin = browser_of(make("Ada Admin", is_admin=True))
    at_once, in_digest, never = make("Ian Immediate"), make("Dee Digest"), make("Olly Off")
    for member, choice in ((at_once, "immediate"), (never, "off")):
        changed = api(
            browser_of(member),
            "PUT",
            "/api/v1/notifications/preferences",
            {"opportunity_match": choice},
        )
        assert changed.status_code == 200, changed.text
    assert (
        "New opportunities matching my alerts"
        in browser_of(in_digest).get("/notifications/settings").text
    )
    _add_alerts(db, [at_once.id, in_digest.id, never.id])

    posted = api(admin, "POST", "/api/v1/opportunities", body(title="Kinship assessor"))
    assert posted.status_code == 201
    run_worker(app)
    (message,) = mailbox.to(at_once.email or "")
    assert message["Subject"].startswith("New opportunity matching your alert: “Kinship assessor”")
    assert f"/opportunities/{posted.json()['id']}" in text_part(message)
    assert mailbox.to(in_digest.email or "") == []
    send_digests_now(app)
    (digest,) = mailbox.to(in_digest.email or "")
    assert "Kinship assessor" in text_part(digest)
    assert mailbox.to(never.email or "") == []
    assert len(mailbox.to(at_once.email or "")) == 1
    assert all(told_of(db, member) for member in (at_once, in_digest, never))
