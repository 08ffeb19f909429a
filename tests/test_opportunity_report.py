"""The partnership's report: posted, views (once per member, opportunity and London day,
counted after the page is answered) and apply clicks (once per member), per organisation
and month, as a table and as formula-safe CSV, for admins only."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.db import LONDON
from app.members.models import Organisation
from app.opportunities.models import OpportunityPageView
from tests.support.database import apply_changes, count_rows
from tests.support.factories import organisation_named
from tests.support.portal import MakeMember, api, form
from tests.support.statements import counted_statements
from tests.test_opportunities import body, fixed_clock  # noqa: F401 (a fixture)

FORMULA_NAME = '=HYPERLINK("http://x","Sheffield")'


def test_counts_per_organisation_and_month_as_a_table_and_csv(
    app: Any,
    db: Session,
    make: MakeMember,
    browser_of: Any,
    fixed_clock: Any,  # noqa: F811
) -> None:
    sheffield = organisation_named(db, "Sheffield City Council")
    apply_changes(
        db, update(Organisation).where(Organisation.id == sheffield.id).values(name=FORMULA_NAME)
    )
    admin = browser_of(make("Ada Admin", is_admin=True))
    ann, bob = browser_of(make("Ann Reader")), browser_of(make("Bob Reader"))

    def post(**changes: object) -> str:
        response = api(
            admin, "POST", "/api/v1/opportunities", body(closing_date="2026-03-31", **changes)
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    fixed_clock(datetime(2026, 1, 10, 9, 0, tzinfo=LONDON))
    leeds_january = post(title="Leeds in January")
    sheffield_january = post(title="Sheffield in January", organisation_id=sheffield.id)
    with counted_statements(app) as statements:
        assert ann.get(f"/opportunities/{leeds_january}").status_code == 200
    # the view is written after the answer, in its own transaction: one insert
    assert sum(s.lstrip().upper().startswith("INSERT") for s in statements) == 1
    assert ann.get(f"/opportunities/{leeds_january}").status_code == 200  # same day: once
    assert bob.get(f"/opportunities/{leeds_january}").status_code == 200
    assert ann.get(f"/opportunities/{sheffield_january}").status_code == 200
    for _ in range(2):
        form(ann, f"/opportunities/{leeds_january}/apply")
    fixed_clock(datetime(2026, 1, 31, 23, 30, tzinfo=LONDON))  # still January in London
    assert ann.get(f"/opportunities/{leeds_january}").status_code == 200
    assert count_rows(db, OpportunityPageView) == 4

    fixed_clock(datetime(2026, 2, 3, 9, 0, tzinfo=LONDON))
    leeds_february = post(title="Leeds in February")
    assert ann.get(f"/opportunities/{leeds_february}").status_code == 200
    form(bob, f"/opportunities/{leeds_january}/apply")
    form(ann, f"/opportunities/{leeds_january}/apply")  # already counted in January

    page = admin.get("/admin/opportunities/report")
    assert page.status_code == 200
    exported = admin.get("/admin/opportunities/report.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == ["Organisation", "Month", "Posted", "Views", "Apply clicks"]
    safe_name = "'" + FORMULA_NAME
    assert sorted(rows[1:]) == sorted(
        [
            ["Leeds City Council", "2026-01", "1", "3", "1"],
            [safe_name, "2026-01", "1", "1", "0"],
            ["Leeds City Council", "2026-02", "1", "1", "1"],
        ]
    )
    assert "Leeds City Council" in page.text and "2026-02" in page.text
    table = page.text.split('id="opportunity-report"')[1]
    assert table.count("govuk-table__row") == 4  # the header and three rows


def test_only_admins_see_the_report(make: MakeMember, browser_of: Any) -> None:
    recruiter = make("Rita Recruiter", is_moderator=True)
    for member in (make("Paul Practitioner"), recruiter):
        browser = browser_of(member)
        assert browser.get("/admin/opportunities/report").status_code == 404
        assert browser.get("/admin/opportunities/report.csv").status_code == 404
    admin = browser_of(make("Ada Admin", is_admin=True))
    assert "Opportunities report" in admin.get("/admin/members").text
    assert "Opportunities report" not in browser_of(recruiter).get("/admin/members").text
