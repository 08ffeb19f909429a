"""Opportunities: recruiters post for their own organisation only, closing dates are real
(end of the London day, with a fixed clock), filters and sort, search, the home block, and
apply clicks counted once per member."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db import LONDON
from app.members.models import Member
from app.opportunities import clock
from app.opportunities.models import ApplyClick, Opportunity
from app.search.engine import SearchEngine
from app.worker import worker_tasks
from tests.support.database import apply_changes, count_rows, see_committed
from tests.support.factories import organisation_named
from tests.support.portal import MakeMember, api, audit_actions, form, run_worker, search_urls
from tests.support.statements import counted_statements

NEXT_MONTH = (datetime.now(UTC) + timedelta(days=30)).astimezone(LONDON).date()


def body(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Senior social worker, children in care",
        "kind": "permanent",
        "team": "Children in care team",
        "pay": "Grade 9, £41,000 to £44,000",
        "hours": "37 hours, flexible",
        "location": "hybrid",
        "place": "Leeds city centre",
        "closing_date": NEXT_MONTH.isoformat(),
        "apply_url": "https://jobs.leeds.gov.uk/vacancy/1234",
        "description": "Join a **stable** team with manageable caseloads.",
    }
    data.update(changes)
    return data


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The opportunities domain's clock, set by the test (London wall-clock times)."""
    current: list[datetime] = []

    def set_to(at: datetime) -> None:
        current[:] = [at.astimezone(UTC)]

    monkeypatch.setattr(clock, "now", lambda: current[0])
    yield set_to


def grant_recruiter(browser_of: Any, admin: Any, member: Any) -> None:
    response = form(
        browser_of(admin), f"/admin/members/{member.id}/flags", flag="recruiter", value="on"
    )
    assert response.status_code == 303, response.text


def close_due_now(app: FastAPI) -> None:
    """What the worker does before every drain, then the drain itself."""
    for job in worker_tasks(app.state.session_factory, app.state.settings).periodic:
        job()
    run_worker(app)


def test_a_recruiter_posts_for_their_own_organisation_only(
    db: Session, make: MakeMember, browser_of: Any
) -> None:
    admin = make("Ada Admin", is_admin=True)
    moderator = make("Mo Derator", is_moderator=True)
    leeds_recruiter = make("Rita Recruiter")
    plain = browser_of(make("Paul Practitioner"))
    sheffield = organisation_named(db, "Sheffield City Council").id

    refused = api(plain, "POST", "/api/v1/opportunities", body())
    assert refused.status_code == 403
    # only an admin names recruiters; a moderator cannot
    by_moderator = form(
        browser_of(moderator),
        f"/admin/members/{leeds_recruiter.id}/flags",
        flag="recruiter",
        value="on",
    )
    assert by_moderator.status_code in (303, 403)
    see_committed(db)
    assert db.get_one(Member, leeds_recruiter.id).is_recruiter is False
    grant_recruiter(browser_of, admin, leeds_recruiter)
    rita = browser_of(leeds_recruiter)

    own = api(rita, "POST", "/api/v1/opportunities", body())
    assert own.status_code == 201, own.text
    assert own.json()["organisation"] == "Leeds City Council"
    other = api(rita, "POST", "/api/v1/opportunities", body(organisation_id=sheffield))
    assert other.status_code == 403
    assert "own organisation" in other.json()["detail"]
    page = rita.post(
        "/opportunities",
        data={"csrftoken": rita.cookies.get("csrftoken") or "", **body(organisation_id=sheffield)},
    )
    assert page.status_code in (403, 422)
    assert count_rows(db, Opportunity) == 1

    by_admin = api(
        browser_of(admin), "POST", "/api/v1/opportunities", body(organisation_id=sheffield)
    )
    assert (
        by_admin.status_code == 201 and by_admin.json()["organisation"] == "Sheffield City Council"
    )
    # a Leeds recruiter cannot change Sheffield's, which they may still read
    sheffield_id = by_admin.json()["id"]
    assert api(rita, "GET", f"/api/v1/opportunities/{sheffield_id}").json()["may_manage"] is False
    change = api(
        rita, "PUT", f"/api/v1/opportunities/{sheffield_id}", body(organisation_id=sheffield)
    )
    assert change.status_code == 403
    see_committed(db)
    assert audit_actions(db).count("opportunity_posted") == 2
    assert "recruiter_granted" in audit_actions(db)


def test_edit_and_withdraw_are_audited_and_withdrawn_ones_vanish(
    db: Session, make: MakeMember, browser_of: Any
) -> None:
    poster = make("Rita Recruiter")
    colleague = make("Cal Colleague")
    reader = browser_of(make("Paul Practitioner"))
    apply_changes(
        db,
        update(Member).where(Member.id.in_([poster.id, colleague.id])).values(is_recruiter=True),
    )
    rita, cal = browser_of(poster), browser_of(colleague)
    created = api(rita, "POST", "/api/v1/opportunities", body()).json()
    changed = api(cal, "PUT", f"/api/v1/opportunities/{created['id']}", body(title="Team manager"))
    assert changed.status_code == 200 and changed.json()["title"] == "Team manager"
    assert api(reader, "PUT", f"/api/v1/opportunities/{created['id']}", body()).status_code == 403

    missing_reason = api(
        rita, "POST", f"/api/v1/opportunities/{created['id']}/withdraw", {"reason": ""}
    )
    assert missing_reason.status_code == 422
    withdrawn = api(
        rita, "POST", f"/api/v1/opportunities/{created['id']}/withdraw", {"reason": "Filled"}
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn"] is True
    assert reader.get(f"/opportunities/{created['id']}").status_code == 404
    assert api(reader, "GET", "/api/v1/opportunities").json()["total"] == 0
    see_committed(db)
    actions = audit_actions(db)
    assert {"opportunity_posted", "opportunity_changed", "opportunity_withdrawn"} <= set(actions)


def test_bad_input_is_a_clear_error_and_nothing_is_saved(
    db: Session, make: MakeMember, browser_of: Any
) -> None:
    admin = browser_of(make("Ada Admin", is_admin=True))
    both = api(admin, "POST", "/api/v1/opportunities", body(apply_email="jobs@leeds.gov.uk"))
    assert both.status_code == 422
    past = api(admin, "POST", "/api/v1/opportunities", body(closing_date="2020-01-01"))
    assert past.status_code == 422 and "past" in past.text
    page = form(
        admin, "/opportunities", **{k: str(v) for k, v in body(apply_url="ftp://x").items()}
    )
    assert page.status_code == 422 and "https://" in page.text
    missing = form(
        admin,
        "/opportunities",
        **{k: str(v) for k, v in body(title="", description="", closing_date="soon").items()},
    )
    assert missing.status_code == 422
    for plain in ("Enter the job title", "Enter the description", "closing date as a real date"):
        assert plain in missing.text
    assert "Input should" not in missing.text
    assert count_rows(db, Opportunity) == 0


def test_past_its_closing_day_it_leaves_lists_and_search_without_a_manual_step(
    app: FastAPI,
    db: Session,
    make: MakeMember,
    browser_of: Any,
    engine: SearchEngine,
    fixed_clock: Any,
) -> None:
    fixed_clock(datetime(2026, 6, 10, 9, 0, tzinfo=LONDON))
    admin = browser_of(make("Ada Admin", is_admin=True))
    reader = browser_of(make("Paul Practitioner"))
    created = api(
        admin,
        "POST",
        "/api/v1/opportunities",
        body(title="Kinship care assessor", closing_date="2026-06-10"),
    ).json()
    # the end of the London day, in summer time
    assert created["closes_at"].startswith("2026-06-10T23:00:00")
    run_worker(app)
    url = f"/opportunities/{created['id']}"
    assert search_urls(reader, "kinship assessor") == [url]

    fixed_clock(datetime(2026, 6, 10, 23, 59, tzinfo=LONDON))
    close_due_now(app)
    assert api(reader, "GET", "/api/v1/opportunities").json()["total"] == 1
    assert search_urls(reader, "kinship assessor") == [url]

    fixed_clock(datetime(2026, 6, 11, 0, 0, 1, tzinfo=LONDON))
    assert api(reader, "GET", "/api/v1/opportunities").json()["total"] == 0
    assert "No open opportunities match" in reader.get("/opportunities").text
    page = reader.get(url)
    assert (
        page.status_code == 200
        and "This opportunity closed at the end of Wednesday 10 June 2026" in page.text
    )
    assert 'action="' + url + '/apply"' not in page.text
    close_due_now(app)  # nobody acts: the worker's own job closes it
    assert search_urls(reader, "kinship assessor") == []

    # its poster extends it: open again, in lists and search
    extended = api(
        admin,
        "PUT",
        f"/api/v1/opportunities/{created['id']}",
        body(title="Kinship care assessor", closing_date="2026-06-20"),
    )
    assert extended.status_code == 200 and extended.json()["is_closed"] is False
    run_worker(app)
    assert api(reader, "GET", "/api/v1/opportunities").json()["total"] == 1
    assert search_urls(reader, "kinship assessor") == [url]


def test_filters_sort_and_the_home_page(
    db: Session, make: MakeMember, browser_of: Any, fixed_clock: Any
) -> None:
    fixed_clock(datetime(2026, 3, 2, 12, 0, tzinfo=LONDON))
    admin = browser_of(make("Ada Admin", is_admin=True))
    reader = browser_of(make("Paul Practitioner"))
    sheffield = organisation_named(db, "Sheffield City Council").id

    def post(title: str, closing: date, **changes: object) -> str:
        response = api(
            admin,
            "POST",
            "/api/v1/opportunities",
            body(title=title, closing_date=closing.isoformat(), **changes),
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    soon = post("Newly qualified ASYE post", date(2026, 3, 5), kind="asye", location="office")
    fixed_clock(datetime(2026, 3, 2, 13, 0, tzinfo=LONDON))
    later = post(
        "Secondment to Sheffield",
        date(2026, 4, 30),
        kind="secondment",
        organisation_id=sheffield,
        location="remote",
    )
    fixed_clock(datetime(2026, 3, 3, 12, 0, tzinfo=LONDON))
    newest = post("Practice educator", date(2026, 3, 20), kind="practice_educator")

    def ids(**params: object) -> list[str]:
        response = reader.get("/api/v1/opportunities", params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["opportunities"]]

    assert ids() == [soon, newest, later]
    assert ids(sort="newest") == [newest, later, soon]
    assert ids(kind="secondment") == [later]
    assert ids(organisation_id=sheffield) == [later]
    assert ids(location="office") == [soon]
    assert ids(closing_within_week="true") == [soon]
    assert reader.get("/api/v1/opportunities", params={"kind": "nonsense"}).status_code == 422
    page = reader.get("/opportunities", params={"kind": "secondment"}).text
    assert "Secondment to Sheffield" in page and "Newly qualified ASYE post" not in page
    assert "Opportunities" in reader.get("/").text
    home = reader.get("/").text
    assert "Practice educator" in home and "Opportunities new this week" in home

    fixed_clock(datetime(2026, 3, 12, 12, 0, tzinfo=LONDON))
    home = reader.get("/").text
    assert "Nothing new this week." in home


def test_apply_clicks_are_counted_once_per_member(
    db: Session, make: MakeMember, browser_of: Any
) -> None:
    admin = browser_of(make("Ada Admin", is_admin=True))
    by_url = api(admin, "POST", "/api/v1/opportunities", body()).json()["id"]
    by_email = api(
        admin, "POST", "/api/v1/opportunities", body(apply_url="", apply_email="jobs@leeds.gov.uk")
    ).json()["id"]
    ann, bob = browser_of(make("Ann")), browser_of(make("Bob"))

    for _ in range(3):
        clicked = form(ann, f"/opportunities/{by_url}/apply")
        assert clicked.status_code == 303
        assert clicked.headers["location"] == "https://jobs.leeds.gov.uk/vacancy/1234"
    assert api(bob, "POST", f"/api/v1/opportunities/{by_url}/apply").json()["apply_to"] == (
        "https://jobs.leeds.gov.uk/vacancy/1234"
    )
    by_mail = form(bob, f"/opportunities/{by_email}/apply")
    assert by_mail.headers["location"] == f"/opportunities/{by_email}"
    assert (
        "Send your application by e-mail to jobs@leeds.gov.uk"
        in bob.get(by_mail.headers["location"]).text
    )
    see_committed(db)
    counts = dict(
        db.execute(
            select(ApplyClick.opportunity_id, func.count()).group_by(ApplyClick.opportunity_id)
        ).all()
    )
    assert counts == {by_url: 2, by_email: 1}


def test_the_list_and_the_home_page_run_a_bounded_number_of_statements(
    app: FastAPI, make: MakeMember, browser_of: Any
) -> None:
    admin = browser_of(make("Ada Admin", is_admin=True))
    reader = browser_of(make("Paul Practitioner"))

    def statements_for(path: str) -> int:
        # warm: home's shared figures are kept a minute per process, so a cold read (the
        # first in the process, or past the minute) would count two more statements
        assert reader.get(path).status_code == 200
        with counted_statements(app) as statements:
            assert reader.get(path).status_code == 200
        return len(statements)

    api(admin, "POST", "/api/v1/opportunities", body())
    few = {path: statements_for(path) for path in ("/opportunities", "/", "/api/v1/opportunities")}
    for number in range(12):
        api(admin, "POST", "/api/v1/opportunities", body(title=f"Post {number}"))
    many = {path: statements_for(path) for path in few}
    assert many == few
