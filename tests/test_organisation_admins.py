"""Organisation admins (issue 14, item 4: "to admins and to the organisation's admins if
any"): an admin names them; they are told when someone from their organisation waits, see
those applicants on their own page and approve or reject them, and nothing else."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.members.models import Member, MemberStatus, Organisation
from app.notifications.kinds import NotificationKind
from app.notifications.models import Notification
from tests.support.database import see_committed
from tests.support.flows import authorize_at_provider, follow_callback, set_provider_claims
from tests.support.flows import start_login as start
from tests.support.portal import MakeMember, api, form, run_worker


def apply_through_york(app: FastAPI, subject: str, name: str) -> Member:
    """A first sign-in at the university's provider while the university is not (yet) a
    partner: the applicant waits, recorded as from the university."""
    client = TestClient(app, base_url="http://testserver", follow_redirects=False)
    issuer = app.state.identity_providers.get("york-uni").issuer
    email = f"{subject}@york.ac.uk"
    set_provider_claims(issuer, subject, {"name": name, "email": email, "email_verified": True})
    page = follow_callback(client, authorize_at_provider(start(client, "york-uni"), subject))
    assert page.status_code == 403
    return page


def member_named(db: Session, name: str) -> Member:
    see_committed(db)
    return db.execute(select(Member).where(Member.display_name == name)).scalar_one()


def told_of_applications(db: Session, member: Member) -> int:
    see_committed(db)
    return len(
        db.execute(
            select(Notification).where(
                Notification.member_id == member.id,
                Notification.kind == NotificationKind.APPLICATION_WAITING.value,
            )
        ).all()
    )


def test_an_organisation_admin_is_told_of_and_decides_only_their_organisations_applicants(
    app: FastAPI,
    client: TestClient,
    db: Session,
    make: MakeMember,
    browser_of: Any,
    oidc_secondary: Any,
) -> None:
    admin = make("Ada Admin", is_admin=True)
    olu = make("Olu Orgadmin", organisation="University of York")
    leeds_lead = make("Lee Leedslead")
    practitioner = make("Pat Practitioner", organisation="University of York")
    ada = browser_of(admin)

    for subject in (olu, leeds_lead):
        granted = form(
            ada, f"/admin/members/{subject.id}/flags", flag="organisation_admin", value="on"
        )
        assert granted.status_code == 303
    assert "Remove organisation admin" in ada.get(f"/admin/members/{olu.id}").text
    see_committed(db)
    assert db.get_one(Member, olu.id).is_organisation_admin
    assert db.execute(
        select(AuditEntry).where(
            AuditEntry.action == "organisation_admin_granted",
            AuditEntry.subject_member_id == olu.id,
        )
    ).first()

    db.execute(
        update(Organisation)
        .where(Organisation.name == "University of York")
        .values(is_partner=False)
    )
    db.commit()
    apply_through_york(app, "ann-applicant", "Ann Applicant")
    apply_through_york(app, "bo-applicant", "Bo Applicant")
    run_worker(app)
    ann, bo = member_named(db, "Ann Applicant"), member_named(db, "Bo Applicant")
    assert ann.status == MemberStatus.PENDING and ann.organisation_id == olu.organisation_id

    assert told_of_applications(db, olu) == 2
    assert told_of_applications(db, admin) == 2
    assert told_of_applications(db, leeds_lead) == 0
    assert told_of_applications(db, practitioner) == 0

    olu_browser = browser_of(olu)
    listed = olu_browser.get("/notifications").text
    assert "Ann Applicant is waiting for approval" in listed
    see_committed(db)
    about_ann = db.execute(
        select(Notification.id).where(
            Notification.member_id == olu.id, Notification.subject_id == ann.id
        )
    ).scalar_one()
    opened = olu_browser.get(f"/notifications/{about_ann}")
    assert opened.headers["location"] == f"/organisation/applications#applicant-{ann.id}"
    assert (
        "application_waiting"
        in api(olu_browser, "GET", "/api/v1/notifications/preferences").json()["deliveries"]
    )
    assert "Applications from your organisation" in olu_browser.get("/").text
    page = olu_browser.get("/organisation/applications")
    assert page.status_code == 200
    assert "Applications from University of York" in page.text
    assert "Ann Applicant" in page.text and "Bo Applicant" in page.text

    lee_browser = browser_of(leeds_lead)
    assert "Ann Applicant" not in lee_browser.get("/organisation/applications").text
    refused = form(lee_browser, f"/organisation/applications/{ann.id}/approve")
    assert refused.status_code == 404
    pat = browser_of(practitioner)
    assert pat.get("/organisation/applications").status_code == 404
    assert "Applications from your organisation" not in pat.get("/").text
    assert form(pat, f"/organisation/applications/{ann.id}/approve").status_code == 404
    assert olu_browser.get("/admin/members").status_code == 404
    assert form(olu_browser, f"/admin/members/{ann.id}/approve").status_code == 404

    no_reason = form(olu_browser, f"/organisation/applications/{bo.id}/reject", reason=" ")
    assert no_reason.status_code == 422
    assert "Give a reason for the rejection" in no_reason.text
    see_committed(db)
    assert db.get_one(Member, bo.id).status == MemberStatus.PENDING

    approved = form(olu_browser, f"/organisation/applications/{ann.id}/approve")
    assert approved.status_code == 303
    rejected = form(
        olu_browser,
        f"/organisation/applications/{bo.id}/reject",
        reason="Not on our staff list; sign in with your student account.",
    )
    assert rejected.status_code == 303
    see_committed(db)
    assert db.get_one(Member, ann.id).status == MemberStatus.ACTIVE
    assert db.get_one(Member, bo.id).status == MemberStatus.REJECTED
    decisions = db.execute(
        select(AuditEntry.action).where(
            AuditEntry.actor_id == olu.id, AuditEntry.subject_member_id.in_([ann.id, bo.id])
        )
    ).scalars()
    assert sorted(decisions) == ["approved", "rejected"]
    assert (
        "Nobody from University of York is waiting"
        in olu_browser.get("/organisation/applications").text
    )
    again = form(olu_browser, f"/organisation/applications/{ann.id}/approve")
    assert again.status_code == 409 and "not pending" in again.text
