"""The anonymisation guard on every surface where members write for others (issue 19):
resource titles, summaries and abstracts, event descriptions, group descriptions, profile
bios, report notes and opportunity titles and descriptions, through the form (passages
highlighted, "save anyway" with a reason) and the API (a 409 problem listing the
findings; 422 when "post anyway" has no reason). Saving anyway puts the item in the
moderation queue, where a moderator confirms it, and tells the moderators (the worker's
in-app notification)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.events.models import Event
from app.groups.models import Group, GroupRole
from app.guard.models import GuardOverride, OverrideStatus
from app.members.models import Member
from app.moderation.models import Report
from app.opportunities.models import Opportunity
from app.resources.models import Resource
from tests.support.database import apply_changes, count_rows, see_committed
from tests.support.flows import csrf_token
from tests.support.portal import (
    MakeMember,
    add_group,
    add_thread,
    api,
    audit_actions,
    form,
    run_worker,
)

Browser = Callable[[Member], TestClient]
CHILD = "We worked with Freya (12) and her brother at school."
NEXT_MONTH = date.today() + timedelta(days=30)


def _overrides(db: Session) -> list[GuardOverride]:
    see_committed(db)
    return list(db.execute(select(GuardOverride).order_by(GuardOverride.created_at)).scalars())


def _assert_problem(response, field: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    [finding] = response.json()["findings"]
    assert finding["field"] == field
    assert finding["kind"] == "first_name_with_age"
    assert finding["label"] == "a first name next to an age"
    assert finding["text"] == "Freya (12)"


def _assert_form_refusal(page, heading: str) -> None:  # type: ignore[no-untyped-def]
    assert page.status_code == 409, page.text
    assert "<mark>Freya (12)</mark>" in page.text
    assert f"In the {heading}" in page.text
    assert "a first name next to an age" in page.text
    assert "If you post anyway, why?" in page.text


def test_resource_metadata_is_guarded_in_the_form_and_the_api(
    client: TestClient, db: Session, make: MakeMember, browser_of: Browser
) -> None:
    ann = browser_of(make("Ann Author"))
    fields = {
        "title": "Direct work with siblings",
        "summary": CHILD,
        "type": "case_study",
    }

    def post(**data: str):  # type: ignore[no-untyped-def]
        return ann.post(
            "/resources",
            data={"csrftoken": csrf_token(ann), **data},
            files=[("files", ("notes.txt", b"Notes from the clinic."))],
        )

    refused = post(**fields)
    _assert_form_refusal(refused, "summary")
    assert count_rows(db, Resource) == 0

    no_reason = post(**fields, post_anyway="1")
    assert no_reason.status_code == 422
    assert "Choose why you are posting anyway" in no_reason.text
    assert count_rows(db, Resource) == 0

    saved = post(**fields, post_anyway="1", guard_reason="changed")
    assert saved.status_code == 303, saved.text
    [override] = _overrides(db)
    assert override.subject_type == "resource" and override.reason == "changed"
    assert override.findings[0]["text"] == "Freya (12)"
    assert "guard_overridden" in audit_actions(db)

    resource_id = saved.headers["location"].rsplit("/", 1)[-1]
    body = {**fields, "summary": "A case study.", "abstract": CHILD, "topics": []}
    _assert_problem(api(ann, "PUT", f"/api/v1/resources/{resource_id}", body), "abstract")
    clean = api(ann, "PUT", f"/api/v1/resources/{resource_id}", {**body, "abstract": None})
    assert clean.status_code == 200, clean.text


def test_event_descriptions_are_guarded(
    client: TestClient, db: Session, make: MakeMember, browser_of: Browser
) -> None:
    olu = browser_of(make("Olu Organiser"))
    body = {
        "title": "Direct work clinic",
        "description": CHILD,
        "type": "webinar",
        "start_date": NEXT_MONTH.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "online": True,
        "joining_link": "https://meet.example.org/clinic",
    }
    _assert_problem(api(olu, "POST", "/api/v1/events", body), "description")
    assert count_rows(db, Event) == 0
    page = form(
        olu, "/events", **{k: str(v) for k, v in body.items() if k != "online"}, online="on"
    )
    _assert_form_refusal(page, "description")
    saved = api(
        olu, "POST", "/api/v1/events", {**body, "post_anyway": True, "guard_reason": "changed"}
    )
    assert saved.status_code == 201, saved.text
    assert [o.subject_type for o in _overrides(db)] == ["event"]


def test_group_descriptions_are_guarded(
    client: TestClient, db: Session, make: MakeMember, browser_of: Browser
) -> None:
    gill = browser_of(make("Gill Group"))
    body = {"name": "Sibling work", "description": CHILD, "kind": "open"}
    _assert_problem(api(gill, "POST", "/api/v1/groups", body), "description")
    page = form(gill, "/groups", **body)
    _assert_form_refusal(page, "description")
    assert count_rows(db, Group) == 0
    saved = form(gill, "/groups", **body, post_anyway="1", guard_reason="not_identifying")
    assert saved.status_code == 303, saved.text
    assert [o.subject_type for o in _overrides(db)] == ["group"]


def test_profile_bios_are_guarded(
    client: TestClient, db: Session, make: MakeMember, browser_of: Browser
) -> None:
    member = make("Bea Bio")
    bea = browser_of(member)
    body = {"display_name": "Bea Bio", "bio": CHILD}
    _assert_problem(api(bea, "PUT", "/api/v1/me/profile", body), "bio")
    page = form(bea, "/profile", display_name="Bea Bio", bio=CHILD)
    _assert_form_refusal(page, "about you")
    see_committed(db)
    db.refresh(member)
    assert member.bio is None
    ok = api(bea, "PUT", "/api/v1/me/profile", {**body, "bio": "Twenty years in child protection."})
    assert ok.status_code == 200, ok.text


def test_report_notes_are_guarded(
    app: FastAPI, client: TestClient, db: Session, make: MakeMember, browser_of: Browser
) -> None:
    writer, reporter = make("Wyn Writer"), make("Rae Reporter")
    thread_id, _ = add_thread(app, writer.id, "Contact arrangements", "How often?")
    rae = browser_of(reporter)
    body = {"kind": "thread", "id": thread_id, "reason": "identifying", "note": CHILD}
    _assert_problem(api(rae, "POST", "/api/v1/moderation/reports", body), "note")
    page = form(rae, "/moderation/report", **body)
    _assert_form_refusal(page, "note")
    assert count_rows(db, Report) == 0
    sent = form(rae, "/moderation/report", **body, post_anyway="1", guard_reason="professional")
    assert sent.status_code == 303, sent.text
    assert count_rows(db, Report) == 1
    assert [o.subject_type for o in _overrides(db)] == ["report"]


def test_posted_anyway_items_wait_in_the_moderation_queue(
    app: FastAPI, client: TestClient, db: Session, make: MakeMember, browser_of: Browser
) -> None:
    author = make("Ann Author")
    moderator = make("Mo Moderator", is_moderator=True)
    ann = browser_of(author)
    thread_id, _ = add_thread(app, author.id, "Contact arrangements", "How often?")
    posted = api(
        ann,
        "POST",
        f"/api/v1/discussions/threads/{thread_id}/posts",
        {"body": CHILD, "post_anyway": True, "guard_reason": "consented"},
    )
    assert posted.status_code == 201, posted.text
    [override] = _overrides(db)
    assert override.subject_type == "post" and override.status == OverrideStatus.OPEN

    assert ann.get("/moderation/guard").status_code == 404
    mo = browser_of(moderator)
    queue = mo.get("/moderation/guard")
    assert queue.status_code == 200
    assert f'id="override-{override.id}"' in queue.text
    assert "The person agreed, and sharing this is necessary" in queue.text
    assert "a first name next to an age: “Freya (12)”" in queue.text

    confirmed = form(mo, f"/moderation/guard/{override.id}/confirm")
    assert confirmed.status_code == 303
    [override] = _overrides(db)
    db.refresh(override)
    assert override.status == OverrideStatus.CONFIRMED and override.handled_by_id == moderator.id
    assert "guard_override_confirmed" in audit_actions(db)
    assert f'id="override-{override.id}"' not in mo.get("/moderation/guard").text
    again = form(mo, f"/moderation/guard/{override.id}/edited")
    assert again.status_code == 303
    db.refresh(override)
    assert override.status == OverrideStatus.CONFIRMED


def _opportunity(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Family support worker, edge of care",
        "kind": "permanent",
        "location": "hybrid",
        "closing_date": NEXT_MONTH.isoformat(),
        "apply_url": "https://jobs.leeds.gov.uk/vacancy/77",
        "description": "Join a stable team with manageable caseloads.",
    }
    data.update(changes)
    return data


def test_opportunity_descriptions_are_guarded(
    client: TestClient, db: Session, make: MakeMember, browser_of: Browser
) -> None:
    recruiter = make("Rita Recruiter")
    apply_changes(db, update(Member).where(Member.id == recruiter.id).values(is_recruiter=True))
    rita = browser_of(recruiter)

    _assert_problem(
        api(rita, "POST", "/api/v1/opportunities", _opportunity(description=CHILD)), "description"
    )
    no_reason = api(
        rita, "POST", "/api/v1/opportunities", _opportunity(description=CHILD, post_anyway=True)
    )
    assert no_reason.status_code == 422 and no_reason.json()["findings"]
    assert count_rows(db, Opportunity) == 0

    as_form = {k: str(v) for k, v in _opportunity(description=CHILD).items()}
    page = form(rita, "/opportunities", **as_form)
    _assert_form_refusal(page, "description")
    assert 'name="post_anyway" value="1"' in page.text
    assert count_rows(db, Opportunity) == 0

    saved = form(rita, "/opportunities", **as_form, post_anyway="1", guard_reason="changed")
    assert saved.status_code == 303, saved.text
    opportunity_id = saved.headers["location"].rsplit("/", 1)[-1]
    [override] = _overrides(db)
    assert (override.subject_type, override.subject_id) == ("opportunity", opportunity_id)
    assert override.subject_url == f"/opportunities/{opportunity_id}"
    assert override.findings[0]["text"] == "Freya (12)"

    # a change is guarded too, and nothing of a refused change is saved
    title = _opportunity(title="Senior practitioner, Freya (12) case", description="A team.")
    _assert_problem(api(rita, "PUT", f"/api/v1/opportunities/{opportunity_id}", title), "title")
    edit_page = form(rita, f"/opportunities/{opportunity_id}/edit", **as_form)
    _assert_form_refusal(edit_page, "description")
    see_committed(db)
    assert db.get_one(Opportunity, opportunity_id).title == "Family support worker, edge of care"
    clean = api(rita, "PUT", f"/api/v1/opportunities/{opportunity_id}", _opportunity())
    assert clean.status_code == 200, clean.text
    assert len(_overrides(db)) == 1


def _told(browser: TestClient) -> list[dict[str, str]]:
    return [
        {"kind": item["kind"], "text": item["text"], "url": item["url"]}
        for item in api(browser, "GET", "/api/v1/notifications").json()["notifications"]
    ]


def test_moderators_are_told_of_what_is_posted_anyway(
    app: FastAPI, client: TestClient, db: Session, make: MakeMember, browser_of: Browser
) -> None:
    """Each item saved anyway tells, in the app, those who review it: the portal's
    moderators and admins, and a group's moderators for their group's content; never its
    author, nor other members."""
    author = make("Ann Author")
    moderator = make("Mo Moderator", is_moderator=True)
    admin = make("Ada Admin", is_admin=True)
    group_moderator = make("Gus Groupmod")
    other_group_moderator = make("Ola Othergroup")
    member = make("Pat Practitioner")
    group_id = add_group(
        app,
        "Kinship carers network",
        {
            author.id: GroupRole.MEMBER,
            group_moderator.id: GroupRole.MODERATOR,
            member.id: GroupRole.MEMBER,
        },
    )
    add_group(app, "Adoption practice", {other_group_moderator.id: GroupRole.OWNER})
    ann = browser_of(author)
    event = {
        "title": "Kinship clinic",
        "description": CHILD,
        "type": "webinar",
        "start_date": NEXT_MONTH.isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "online": True,
        "joining_link": "https://meet.example.org/kinship",
        "group_id": group_id,
        "post_anyway": True,
        "guard_reason": "consented",
    }
    saved = api(ann, "POST", "/api/v1/events", event)
    assert saved.status_code == 201, saved.text
    [override] = _overrides(db)
    assert override.group_id == group_id

    assert _told(browser_of(moderator)) == []  # told by the worker, not the request
    run_worker(app)
    expected = {
        "kind": "guard_notice",
        "text": "Ann Author saved “Kinship clinic” anyway after the anonymisation guard found "
        "a first name next to an age. Their reason: the person agreed, and sharing this is "
        "necessary",
        "url": f"/moderation/guard#override-{override.id}",
    }
    for reviewer in (moderator, admin, group_moderator):
        assert _told(browser_of(reviewer)) == [expected], reviewer.display_name
    for bystander in (author, member, other_group_moderator):
        assert _told(browser_of(bystander)) == [], bystander.display_name
    # the link leads to the item in the queue, which the group moderator may see
    queue = browser_of(group_moderator).get("/moderation/guard")
    assert f'id="override-{override.id}"' in queue.text

    # outside any group, only the portal's moderators and admins are told
    form(browser_of(group_moderator), "/notifications/read-all")
    thread_id, _ = add_thread(app, author.id, "Contact arrangements", "How often?")
    posted = api(
        ann,
        "POST",
        f"/api/v1/discussions/threads/{thread_id}/posts",
        {"body": CHILD, "post_anyway": True, "guard_reason": "changed"},
    )
    assert posted.status_code == 201, posted.text
    run_worker(app)
    assert len(_told(browser_of(moderator))) == 2
    assert len(_told(browser_of(group_moderator))) == 1
    assert _told(browser_of(member)) == []
    run_worker(app)  # a redelivered message tells nobody twice
    assert len(_told(browser_of(admin))) == 2
