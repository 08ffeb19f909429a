"""The admin area: every allowed status transition, every refusal, the audit trail and its
CSV export, and 404 for everyone who is not staff."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.db import utcnow
from app.devstack import RunningService
from app.members.models import ApiToken, Member, MemberStatus
from app.members.tokens import create_token
from app.security.sessions import SESSION_COOKIE
from tests.support.database import count_rows, see_committed
from tests.support.factories import identity_subject, make_member
from tests.support.flows import csrf_token, sign_in
from tests.support.sessions import sign_in_as_member

MakeMember = Callable[..., Member]


@pytest.fixture
def make(client: TestClient, db: Session, oidc_primary_url: str) -> MakeMember:
    def factory(name: str, **kwargs: object) -> Member:
        return make_member(db, name=name, issuer=oidc_primary_url, **kwargs)  # type: ignore[arg-type]

    return factory


def browser_for(
    app: FastAPI, db: Session, member: Member, provider_url: str, **kwargs: object
) -> TestClient:
    """A browser that signs in as ``member`` through the provider: for the tests of who
    sign-in admits. Other tests use ``session_browser``."""
    browser = TestClient(app, base_url="http://testserver", follow_redirects=False)
    sign_in(
        browser,
        provider_url=provider_url,
        subject=identity_subject(db, member),
        claims={"name": member.display_name},
        **kwargs,  # type: ignore[arg-type]
    )
    return browser


def session_browser(app: FastAPI, member: Member) -> TestClient:
    """A browser signed in as ``member`` with the session sign-in would start."""
    browser = TestClient(app, base_url="http://testserver", follow_redirects=False)
    sign_in_as_member(browser, member)
    return browser


@pytest.fixture
def admin(make: MakeMember) -> Member:
    return make("Amara Okafor", is_admin=True)


@pytest.fixture
def admin_browser(app: FastAPI, admin: Member) -> TestClient:
    return session_browser(app, admin)


def api_post(browser: TestClient, path: str, body: dict[str, object]) -> dict[str, object]:
    response = browser.post(path, json=body, headers={"X-CSRFToken": csrf_token(browser)})
    return {"status": response.status_code, "body": response.json()}


def status_of(db: Session, member: Member) -> MemberStatus:
    see_committed(db)
    return db.get_one(Member, member.id).status


def audit_entries(db: Session, member: Member) -> list[AuditEntry]:
    see_committed(db)
    return list(
        db.execute(select(AuditEntry).where(AuditEntry.subject_member_id == member.id)).scalars()
    )


# --- allowed transitions ------------------------------------------------------------------


def test_pending_to_active(admin_browser: TestClient, make: MakeMember, db: Session) -> None:
    applicant = make("Pat Pending", status=MemberStatus.PENDING)
    result = api_post(
        admin_browser, f"/api/v1/admin/members/{applicant.id}/approve", {"reason": "Known to us"}
    )
    assert result["status"] == 200
    assert status_of(db, applicant) == MemberStatus.ACTIVE
    [entry] = audit_entries(db, applicant)
    assert (entry.action, entry.reason) == ("approved", "Known to us")
    assert entry.before["status"] == "pending" and entry.after["status"] == "active"


def test_pending_to_rejected_and_the_applicant_sees_why(
    app: FastAPI,
    admin_browser: TestClient,
    make: MakeMember,
    db: Session,
    oidc_primary: RunningService,
) -> None:
    applicant = make("Rob Reject", status=MemberStatus.PENDING)
    result = api_post(
        admin_browser,
        f"/api/v1/admin/members/{applicant.id}/reject",
        {"reason": "Not a member of a partner organisation"},
    )
    assert result["status"] == 200
    assert status_of(db, applicant) == MemberStatus.REJECTED
    page = browser_for(app, db, applicant, oidc_primary.url, expect_status=403)
    assert page.cookies.get(SESSION_COOKIE) is None
    attempt = sign_in(
        TestClient(app, base_url="http://testserver", follow_redirects=False),
        provider_url=oidc_primary.url,
        subject=identity_subject(db, applicant),
        expect_status=403,
    )
    assert "Your application was not accepted" in attempt.text
    assert "Not a member of a partner organisation" in attempt.text


def test_active_suspended_active(
    app: FastAPI,
    admin_browser: TestClient,
    make: MakeMember,
    db: Session,
    oidc_primary: RunningService,
) -> None:
    member = make("Sam Suspend")
    member_browser = session_browser(app, member)
    assert member_browser.get("/").status_code == 200
    see_committed(db)
    _token, secret = create_token(db, actor=db.get_one(Member, member.id), name="script")
    db.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    assert member_browser.get("/api/v1/me", headers=bearer).status_code == 200

    result = api_post(
        admin_browser,
        f"/api/v1/admin/members/{member.id}/suspend",
        {"reason": "Shared a case file", "until": (utcnow() + timedelta(days=7)).isoformat()},
    )
    assert result["status"] == 200, result
    # signed out on the next request, and the API token answers 401
    assert member_browser.get("/").status_code == 303
    api = member_browser.get("/api/v1/me", headers=bearer)
    assert api.status_code == 401 and api.headers["content-type"] == "application/problem+json"
    # cannot sign back in, and is told why and until when
    again = sign_in(
        TestClient(app, base_url="http://testserver", follow_redirects=False),
        provider_url=oidc_primary.url,
        subject=identity_subject(db, member),
        expect_status=403,
    )
    assert "Your membership is suspended" in again.text
    assert "Shared a case file" in again.text

    result = api_post(admin_browser, f"/api/v1/admin/members/{member.id}/reinstate", {})
    assert result["status"] == 200
    assert status_of(db, member) == MemberStatus.ACTIVE
    assert [e.action for e in audit_entries(db, member)] == ["suspended", "reinstated"]
    browser_for(app, db, member, oidc_primary.url)  # signs in again


def test_suspension_ends_by_itself_on_its_date(
    app: FastAPI, make: MakeMember, db: Session, oidc_primary: RunningService
) -> None:
    """A suspension past its date ends when the member next signs in (and is admitted), so
    this one signs in through the provider."""
    member = make("Tia Temporary", status=MemberStatus.SUSPENDED)
    db.execute(
        update(Member)
        .where(Member.id == member.id)
        .values(status_reason="Cooling off", suspended_until=utcnow() - timedelta(minutes=1))
    )
    db.commit()
    browser_for(app, db, member, oidc_primary.url)
    assert status_of(db, member) == MemberStatus.ACTIVE
    [entry] = audit_entries(db, member)
    assert entry.action == "suspension_ended" and entry.actor_id is None


def test_active_to_left(admin_browser: TestClient, make: MakeMember, db: Session) -> None:
    member = make("Lee Leaver")
    result = api_post(
        admin_browser, f"/api/v1/admin/members/{member.id}/leave", {"reason": "Moved to Wales"}
    )
    assert result["status"] == 200
    assert status_of(db, member) == MemberStatus.LEFT
    active = admin_browser.get("/api/v1/admin/members", params={"status": "active"}).json()
    assert [m["display_name"] for m in active["members"]] == ["Amara Okafor"]


def test_role_organisation_and_flags_change(
    admin_browser: TestClient, make: MakeMember, db: Session
) -> None:
    member = make("Cam Change")
    york = db.execute(select(Member.organisation_id).where(Member.id == member.id)).scalar_one()
    assert york is not None
    for path, body in [
        ("role", {"role": "manager", "reason": "Promoted"}),
        ("flags", {"flag": "champion", "value": True, "reason": "Answers well"}),
        ("flags", {"flag": "moderator", "value": True, "reason": "Needed"}),
        ("organisation", {"organisation_id": None, "reason": "Agency worker"}),
    ]:
        result = api_post(admin_browser, f"/api/v1/admin/members/{member.id}/{path}", body)
        assert result["status"] == 200, result
    see_committed(db)
    changed = db.get_one(Member, member.id)
    assert changed.role == "manager" and changed.is_champion and changed.is_moderator
    assert changed.organisation_id is None
    entries = audit_entries(db, member)
    assert [entry.action for entry in entries] == [
        "role_changed",
        "champion_granted",
        "moderator_granted",
        "organisation_changed",
    ]
    assert all(entry.reason for entry in entries)


# --- refusals: a clear message, nothing changed ---------------------------------------------


def assert_refused(
    result: dict[str, object], status: int, message: str, db: Session, member: Member
) -> None:
    assert result["status"] == status, result
    body = result["body"]
    assert isinstance(body, dict)
    assert message in str(body.get("detail")) + str(body.get("errors")), body
    assert audit_entries(db, member) == []


def test_approving_a_member_who_is_not_pending(
    admin_browser: TestClient, make: MakeMember, db: Session
) -> None:
    member = make("Already Active")
    result = api_post(admin_browser, f"/api/v1/admin/members/{member.id}/approve", {})
    assert_refused(result, 409, "is active, not pending", db, member)


def test_suspending_yourself(
    admin_browser: TestClient, admin: Member, make: MakeMember, db: Session
) -> None:
    make("Second Admin", is_admin=True)
    result = api_post(
        admin_browser, f"/api/v1/admin/members/{admin.id}/suspend", {"reason": "Testing"}
    )
    assert_refused(result, 403, "cannot do that to your own account", db, admin)
    assert status_of(db, admin) == MemberStatus.ACTIVE


def test_a_moderator_acting_on_an_admin(
    app: FastAPI, admin: Member, make: MakeMember, db: Session
) -> None:
    moderator = make("Mo Derator", is_moderator=True)
    browser = session_browser(app, moderator)
    result = api_post(browser, f"/api/v1/admin/members/{admin.id}/suspend", {"reason": "Coup"})
    assert_refused(result, 403, "Moderators cannot act on admins", db, admin)
    result = api_post(
        browser,
        f"/api/v1/admin/members/{moderator.id}/flags",
        {"flag": "admin", "value": True, "reason": "Promote myself"},
    )
    assert_refused(result, 403, "Only admins can grant", db, moderator)


def test_removing_or_losing_the_last_admin(
    app: FastAPI,
    admin: Member,
    admin_browser: TestClient,
    make: MakeMember,
    db: Session,
) -> None:
    other = make("Other Admin", is_admin=True)
    other_browser = session_browser(app, other)
    # two admins: one may remove the other
    result = api_post(
        other_browser,
        f"/api/v1/admin/members/{admin.id}/flags",
        {"flag": "admin", "value": False, "reason": "Stepping down"},
    )
    assert result["status"] == 200
    # now `other` is the last admin; an admin cannot act on themselves and nobody else can
    for path, body in [
        ("flags", {"flag": "admin", "value": False, "reason": "Bye"}),
        ("suspend", {"reason": "Bye"}),
        ("leave", {"reason": "Bye"}),
    ]:
        result = api_post(other_browser, f"/api/v1/admin/members/{other.id}/{path}", body)
        assert_refused(result, 403, "your own account", db, other)
    see_committed(db)
    assert db.get_one(Member, other.id).is_admin


def test_last_admin_rule_in_the_service(make: MakeMember, db: Session) -> None:
    """The rule itself, beyond the self-check: the only admin cannot be removed, even by
    the command line's unattended changes that have no actor of their own."""
    from app.errors import InvalidAction
    from app.members.service.admin_actions import refuse_if_last_admin

    only = make("Only Admin", is_admin=True)
    with pytest.raises(InvalidAction, match="last admin"):
        refuse_if_last_admin(db, db.get_one(Member, only.id), "removed as admin")


def test_an_unknown_organisation(admin_browser: TestClient, make: MakeMember, db: Session) -> None:
    member = make("Org Less")
    result = api_post(
        admin_browser,
        f"/api/v1/admin/members/{member.id}/organisation",
        {"organisation_id": "no-such-organisation"},
    )
    assert_refused(result, 422, "There is no such organisation", db, member)


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("reject", {"reason": ""}, 422, "Give a reason for the rejection"),
        ("suspend", {}, 422, "Give a reason for the suspension"),
        ("reinstate", {}, 409, "only suspended members"),
        ("role", {"role": "wizard"}, 422, "role"),
        ("flags", {"flag": "champion", "value": False}, 409, "is not a champion"),
    ],
)
def test_other_refusals(
    admin_browser: TestClient,
    make: MakeMember,
    db: Session,
    path: str,
    body: dict[str, object],
    status: int,
    message: str,
) -> None:
    member = make("Refused Case")
    result = api_post(admin_browser, f"/api/v1/admin/members/{member.id}/{path}", body)
    assert_refused(result, status, message, db, member)
    assert status_of(db, member) == MemberStatus.ACTIVE


def test_suspension_end_must_be_in_the_future(
    admin_browser: TestClient, make: MakeMember, db: Session
) -> None:
    member = make("Past Date")
    result = api_post(
        admin_browser,
        f"/api/v1/admin/members/{member.id}/suspend",
        {"reason": "x", "until": (utcnow() - timedelta(days=1)).isoformat()},
    )
    assert_refused(result, 422, "must be in the future", db, member)


# --- the HTML admin pages -----------------------------------------------------------------


def test_admin_pages_approve_with_a_form_and_show_refusals(
    admin_browser: TestClient, make: MakeMember, db: Session
) -> None:
    applicant = make("Form Applicant", status=MemberStatus.PENDING)
    listing = admin_browser.get("/admin/members?status=pending")
    assert listing.status_code == 200
    assert "Form Applicant" in listing.text and "1 application is waiting" in listing.text
    page = admin_browser.get(f"/admin/members/{applicant.id}")
    assert "What their identity provider said" in page.text
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert token is not None
    approved = admin_browser.post(
        f"/admin/members/{applicant.id}/approve", data={"csrftoken": token.group(1)}
    )
    assert approved.status_code == 303
    assert "is now a member" in admin_browser.get(approved.headers["location"]).text
    again = admin_browser.post(
        f"/admin/members/{applicant.id}/approve", data={"csrftoken": token.group(1)}
    )
    assert again.status_code == 409
    assert "Nothing was changed" in again.text and "is active, not pending" in again.text
    assert len(audit_entries(db, applicant)) == 1


def test_suspend_form_takes_a_date(
    admin_browser: TestClient, make: MakeMember, db: Session
) -> None:
    member = make("Date Form")
    token = csrf_token(admin_browser)
    response = admin_browser.post(
        f"/admin/members/{member.id}/suspend",
        data={"csrftoken": token, "reason": "Review", "until": "2099-01-31"},
    )
    assert response.status_code == 303
    see_committed(db)
    until = db.get_one(Member, member.id).suspended_until
    assert until is not None and until.year == 2099
    bad = admin_browser.post(f"/admin/members/{member.id}/reinstate", data={"csrftoken": token})
    assert bad.status_code == 303
    nonsense = admin_browser.post(
        f"/admin/members/{member.id}/suspend",
        data={"csrftoken": token, "reason": "Review", "until": "next tuesday"},
    )
    assert nonsense.status_code == 422 and "Give the end date as a date" in nonsense.text


def test_waiting_applications_are_announced_to_admins(
    admin_browser: TestClient, make: MakeMember
) -> None:
    make("Waiting One", status=MemberStatus.PENDING)
    assert "1 person is waiting for approval" in admin_browser.get("/").text


# --- first sign-in admission ---------------------------------------------------------------


def test_first_sign_in_outside_a_partner_is_pending(
    client: TestClient, db: Session, oidc_secondary: RunningService
) -> None:
    """The hostile provider is tied to Leeds; use an e-mail-only path instead: the York
    provider's organisation is removed, so the newcomer matches no partner."""
    db.execute(update(Member).values(status=MemberStatus.ACTIVE))
    from app.members.models import Organisation

    db.execute(
        update(Organisation).where(Organisation.name == "University of York").values(name="Gone")
    )
    db.commit()
    from tests.support.flows import (
        authorize_at_provider,
        follow_callback,
        set_provider_claims,
        start_login,
    )

    provider_url = client.app.state.identity_providers.get("york-uni").issuer  # type: ignore[attr-defined]
    set_provider_claims(provider_url, "newcomer", {"name": "New Comer", "email": "n@example.net"})
    page = follow_callback(
        client, authorize_at_provider(start_login(client, "york-uni"), "newcomer")
    )
    assert page.status_code == 403
    assert "Your membership is waiting for approval" in page.text
    assert SESSION_COOKIE not in client.cookies
    see_committed(db)
    newcomer = db.execute(select(Member).where(Member.display_name == "New Comer")).scalar_one()
    assert newcomer.status == MemberStatus.PENDING


def test_verified_domain_of_a_partner_admits_at_once(
    client: TestClient, db: Session, oidc_secondary: RunningService
) -> None:
    from app.members.models import Organisation

    db.execute(
        update(Organisation)
        .where(Organisation.name == "Leeds City Council")
        .values(email_domains=["leeds.gov.uk"])
    )
    db.execute(
        update(Organisation).where(Organisation.name == "University of York").values(name="Gone")
    )
    db.commit()
    sign_in(
        client,
        provider="york-uni",
        provider_url=oidc_secondary.url,
        subject="verified",
        claims={"name": "Vera Fied", "email": "vera@leeds.gov.uk", "email_verified": True},
    )
    unverified = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    sign_in(
        unverified,
        provider="york-uni",
        provider_url=oidc_secondary.url,
        subject="unverified",
        claims={"name": "Una Verified", "email": "una@leeds.gov.uk"},
        expect_status=403,
    )


def test_email_conflict_waits_and_an_admin_links_it(
    app: FastAPI,
    admin_browser: TestClient,
    make: MakeMember,
    db: Session,
    oidc_secondary: RunningService,
) -> None:
    holder = make("Holly Holder", email="holly@leeds.gov.uk")
    newcomer_browser = TestClient(app, base_url="http://testserver", follow_redirects=False)
    sign_in(
        newcomer_browser,
        provider="york-uni",
        provider_url=oidc_secondary.url,
        subject="holly-at-york",
        claims={"name": "Holly at York", "email": "Holly@leeds.gov.uk"},
        expect_status=403,
    )
    see_committed(db)
    waiting = db.execute(select(Member).where(Member.duplicate_of_id == holder.id)).scalar_one()
    page = admin_browser.get(f"/admin/members/{waiting.id}")
    assert "uses the e-mail address of" in page.text and "Holly Holder" in page.text
    result = api_post(
        admin_browser, f"/api/v1/admin/members/{waiting.id}/link", {"reason": "Same person"}
    )
    assert result["status"] == 200 and result["body"]["id"] == holder.id  # type: ignore[index]
    assert count_rows(db, Member) == 2  # admin and holder; the waiting record is gone
    sign_in(
        newcomer_browser,
        provider="york-uni",
        provider_url=oidc_secondary.url,
        subject="holly-at-york",
        claims={"name": "Holly at York", "email": "Holly@leeds.gov.uk"},
    )
    assert newcomer_browser.get("/api/v1/me").json()["id"] == holder.id
    [entry] = audit_entries(db, holder)
    assert entry.action == "identity_linked" and entry.reason == "Same person"


def test_admin_grant_before_first_sign_in(
    client: TestClient, db: Session, oidc_secondary: RunningService
) -> None:
    from app.members.service import grant_admin

    assert "from their first sign-in" in grant_admin(db, email="Chief@York.ac.uk")
    db.commit()
    sign_in(
        client,
        provider="york-uni",
        provider_url=oidc_secondary.url,
        subject="chief",
        claims={"name": "Chief", "email": "chief@york.ac.uk", "email_verified": True},
    )
    me = client.get("/api/v1/me").json()
    assert me["is_admin"] is True
    assert client.get("/admin/members").status_code == 200


# --- who may see the admin area ------------------------------------------------------------


def admin_routes(app: FastAPI) -> list[tuple[str, str]]:
    routes = []
    for path, operations in app.openapi()["paths"].items():
        if path.startswith(("/admin", "/api/v1/admin")):
            routes += [(method.upper(), path) for method in operations]
    return routes


def test_non_admins_get_404_on_every_admin_route(
    app: FastAPI, make: MakeMember, db: Session
) -> None:
    practitioner = make("Plain Member")
    target = make("Someone Else")
    browser = session_browser(app, practitioner)
    token = csrf_token(browser)
    walked = admin_routes(app)
    assert len(walked) >= 25
    for method, template in walked:
        path = re.sub(r"\{member_id\}", target.id, template)
        path = re.sub(r"\{[^}]+\}", "x", path)
        response = browser.request(
            method,
            path,
            headers={"X-CSRFToken": token},
            json={} if path.startswith("/api/") and method != "GET" else None,
            data={"csrftoken": token} if not path.startswith("/api/") and method != "GET" else None,
        )
        assert response.status_code == 404, (method, path, response.status_code)
    assert audit_entries(db, target) == []


def test_moderators_get_404_on_admin_only_routes(app: FastAPI, make: MakeMember) -> None:
    moderator = make("Mod Erator", is_moderator=True)
    browser = session_browser(app, moderator)
    assert browser.get("/admin/members").status_code == 200
    for path in (
        "/admin/audit",
        "/admin/audit.csv",
        "/admin/organisations",
        "/api/v1/admin/audit",
        "/api/v1/admin/organisations",
    ):
        assert browser.get(path).status_code == 404, path


def test_moderator_may_approve(app: FastAPI, make: MakeMember) -> None:
    moderator = make("Mod Approver", is_moderator=True)
    applicant = make("Apply Ant", status=MemberStatus.PENDING)
    browser = session_browser(app, moderator)
    assert api_post(browser, f"/api/v1/admin/members/{applicant.id}/approve", {})["status"] == 200


# --- the audit log --------------------------------------------------------------------------


def test_every_action_leaves_exactly_one_entry_and_the_csv_opens_in_a_spreadsheet(
    admin_browser: TestClient, make: MakeMember, db: Session
) -> None:
    irish = make("Siobhán O'Súilleabháin", status=MemberStatus.PENDING)
    steps = [
        ("approve", {"reason": 'Vouched for by "the PSW", Leeds'}),
        ("suspend", {"reason": '=HYPERLINK("http://evil")'}),
        ("reinstate", {"reason": "Line one\nline two"}),
        ("leave", {"reason": "Retired; thanks, Siobhán"}),
    ]
    for path, body in steps:
        assert (
            api_post(admin_browser, f"/api/v1/admin/members/{irish.id}/{path}", body)["status"]
            == 200
        )
    entries = audit_entries(db, irish)
    assert len(entries) == len(steps)

    listing = admin_browser.get(f"/admin/audit?subject={irish.id}")
    assert listing.status_code == 200 and "Siobhán O&#39;Súilleabháin" in listing.text
    filtered = admin_browser.get("/api/v1/admin/audit", params={"action": "suspended"}).json()
    assert filtered["total"] == 1 and filtered["entries"][0]["subject_name"] == irish.display_name

    export = admin_browser.get(f"/admin/audit.csv?subject={irish.id}")
    assert export.status_code == 200
    assert export.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in export.headers["content-disposition"]
    raw = export.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, *data = rows
    assert header[:4] == ["time (Europe/London)", "actor", "action", "subject"]
    assert [row[2] for row in data] == ["approved", "suspended", "reinstated", "marked_left"]
    assert all(row[3] == "Siobhán O'Súilleabháin" for row in data)
    reasons = [row[4] for row in data]
    assert reasons[0] == 'Vouched for by "the PSW", Leeds'
    assert reasons[1].startswith("'=")  # a formula would run in a spreadsheet
    assert reasons[2] == "Line one\nline two"


def test_organisations_are_managed_by_admins(admin_browser: TestClient, db: Session) -> None:
    token = csrf_token(admin_browser)
    bad = admin_browser.post(
        "/admin/organisations",
        data={
            "csrftoken": token,
            "name": "Leeds Beckett University",
            "kind": "university",
            "email_domains": "leedsbeckett.ac.uk, not a domain",
        },
    )
    assert bad.status_code == 422 and "Not an e-mail domain: not a domain" in bad.text
    good = admin_browser.post(
        "/admin/organisations",
        data={
            "csrftoken": token,
            "name": "Leeds Beckett University",
            "kind": "university",
            "email_domains": "leedsbeckett.ac.uk",
            "is_partner": "on",
        },
    )
    assert good.status_code == 303
    organisations = admin_browser.get("/api/v1/admin/organisations").json()
    beckett = next(o for o in organisations if o["name"] == "Leeds Beckett University")
    assert beckett["email_domains"] == ["leedsbeckett.ac.uk"] and beckett["is_partner"]
    duplicate = api_post(
        admin_browser,
        "/api/v1/admin/organisations",
        {"name": "Leeds Beckett University", "kind": "university"},
    )
    assert duplicate["status"] == 422
    see_committed(db)
    actions = list(db.execute(select(AuditEntry.action)).scalars())
    assert actions == ["organisation_created"]


def test_api_tokens_of_someone_who_left_stop_working(
    admin_browser: TestClient, make: MakeMember, db: Session, client: TestClient
) -> None:
    member = make("Token Leaver")
    _token, secret = create_token(db, actor=db.get_one(Member, member.id), name="cron")
    db.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    api_post(admin_browser, f"/api/v1/admin/members/{member.id}/leave", {})
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    see_committed(db)
    assert db.execute(select(ApiToken.revoked_at)).scalar_one() is not None
