"""axe-core scans (WCAG 2.2 AA rules) of every page a member can reach.

To scan a new page, add it to PAGES_TO_SCAN.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.db import LONDON, transaction, utcnow
from app.devstack import RunningService
from app.discussions import service as discussion_service
from app.discussions.models import Category
from app.discussions.schemas import PostCreate, ThreadCreate
from app.discussions.seed import seed_discussions
from app.events import service as event_service
from app.events.schemas import EventData
from app.groups.models import JoinRequest
from app.groups.service import create_group
from app.members.models import Member, MemberStatus
from app.notifications.mail import unsubscribe_token
from app.opportunities import service as opportunity_service
from app.opportunities.models import Opportunity
from app.opportunities.schemas import OpportunityData
from app.resources.models import ResourceFile
from app.resources.schemas import ResourceData
from app.resources.service import Upload, add_files, create_resource
from tests.browser.conftest import (
    assert_no_axe_violations,
    axe_violations,
    sign_in_as,
    sign_in_with_session,
)
from tests.support.portal import tell_now

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("partner_organisations")]


@dataclass(frozen=True)
class PageToScan:
    """``{own_id}`` in the path stands for the signed-in member's id."""

    path: str
    signed_in: bool
    status: int = 200


PAGES_TO_SCAN = [
    PageToScan("/auth/sign-in", signed_in=False),
    PageToScan("/auth/no-such-provider/login", signed_in=False, status=404),
    PageToScan("/auth/signed-out", signed_in=False),
    PageToScan("/", signed_in=True),
    PageToScan("/no-such-page", signed_in=True, status=404),
    PageToScan("/members", signed_in=True),
    PageToScan("/members/{own_id}", signed_in=True),
    PageToScan("/profile", signed_in=True),
    PageToScan("/account/tokens", signed_in=True),
]


@pytest.mark.parametrize("target", PAGES_TO_SCAN, ids=lambda target: target.path)
def test_page_has_no_axe_violations(
    target: PageToScan,
    page: Page,
    live_portal: str,
    live_app: FastAPI,
    request: pytest.FixtureRequest,
) -> None:
    path = target.path
    if path.startswith("/auth/"):
        # the sign-in pages as a visitor sees them: every provider answering
        request.getfixturevalue("oidc_primary")
        request.getfixturevalue("oidc_secondary")
    if target.signed_in:
        sign_in_with_session(page, live_app, portal_url=live_portal)
        path = path.format(own_id=own_member_id(page))

    response = page.goto(path)

    assert response is not None and response.status == target.status
    assert urlsplit(page.url).path == path
    assert_no_axe_violations(page)


def own_member_id(page: Page) -> str:
    """The signed-in member's id, asked of the API with the browser's own cookies."""
    response = page.request.get("/api/v1/me")
    assert response.ok, response.text()
    return str(response.json()["id"])


def test_profile_form_with_errors_has_no_axe_violations(
    page: Page, live_portal: str, live_app: FastAPI
) -> None:
    sign_in_with_session(page, live_app, portal_url=live_portal)
    page.goto("/profile")
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_label("Job title (optional)").fill("x" * 121)

    with page.expect_response("**/profile") as posted:
        page.get_by_role("button", name="Save profile").click()

    assert posted.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Job title must be 120 characters or fewer")
    assert_no_axe_violations(page)


def test_directory_with_many_members_has_no_axe_violations(
    page: Page, live_portal: str, live_app: FastAPI
) -> None:
    """Entries with a champion tag and the pager, not just an empty list."""
    sign_in_with_session(page, live_app, portal_url=live_portal)
    with transaction(live_app.state.session_factory) as db:
        for number in range(30):
            db.add(
                Member(
                    display_name=f"Listed Member {number:02d}",
                    job_title="Social worker",
                    is_champion=number % 5 == 0,
                )
            )

    page.goto("/members?q=listed")
    page.get_by_role("navigation", name="Pages of members").get_by_role(
        "link", name="Next page"
    ).click()

    expect(page.get_by_role("link", name="Previous page")).to_be_visible()
    expect(page.get_by_text("Champion").first).to_be_visible()
    assert_no_axe_violations(page)


def test_tokens_page_showing_a_new_token_has_no_axe_violations(
    page: Page, live_portal: str, live_app: FastAPI
) -> None:
    sign_in_with_session(page, live_app, portal_url=live_portal)
    page.goto("/account/tokens")
    page.get_by_label("Token name").fill("Reporting script")
    page.get_by_role("button", name="Create token").click()

    expect(page.locator("#new-token")).to_contain_text("pt_")
    expect(page.get_by_role("button", name="Revoke token “Reporting script”")).to_be_visible()
    assert_no_axe_violations(page)


def test_home_page_with_the_signed_in_banner_has_no_axe_violations(
    page: Page, live_portal: str, oidc_primary: RunningService
) -> None:
    """The banner is what the sign-in callback leaves, so this one signs in for real."""
    sign_in_as(page, portal_url=live_portal, provider_url=oidc_primary.url)

    expect(page.get_by_role("status")).to_contain_text("Signed in as Ruth Ellis.")
    assert_no_axe_violations(page)


def test_scan_reports_a_planted_violation(page: Page, live_portal: str) -> None:
    """Guards the scan itself: an image without alternative text must be reported."""
    page.goto("/auth/sign-in")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML("
        "'beforeend', '<img src=\"/static/build/assets/images/favicon.png\">')"
    )

    assert "image-alt" in {violation["id"] for violation in axe_violations(page)}


def test_admin_pages_have_no_axe_violations(
    page: Page, live_portal: str, live_app: FastAPI
) -> None:
    """The admin area as an admin sees it: the list with a waiting application, a member's
    page with its action forms, the same page with a refusal, the audit log with an
    entry, and the organisations page."""
    sign_in_with_session(page, live_app, portal_url=live_portal)
    admin_id = own_member_id(page)
    with transaction(live_app.state.session_factory) as db:
        db.get_one(Member, admin_id).is_admin = True
        applicant = Member(
            display_name="Siobhán O'Súilleabháin",
            email="siobhan@calderdale.gov.uk",
            status=MemberStatus.PENDING,
        )
        db.add(applicant)
        db.flush()
        applicant_id = applicant.id

    page.goto("/admin/members")
    expect(page.locator("#pending-notice")).to_contain_text("1 application is waiting")
    assert_no_axe_violations(page)

    page.goto(f"/admin/members/{applicant_id}")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("is now a member")

    page.goto(f"/admin/members/{applicant_id}")
    page.get_by_label("Reason (the member sees it when they try to sign in)").fill("")
    with page.expect_response(f"**/admin/members/{applicant_id}/suspend") as posted:
        page.get_by_role("button", name="Suspend").click()
    assert posted.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Give a reason for the suspension")
    assert_no_axe_violations(page)

    for path, heading in (
        ("/admin/audit", "Audit log"),
        ("/admin/organisations", "Organisations"),
        ("/admin/email", "E-mail"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert_no_axe_violations(page)


def test_resource_pages_have_no_axe_violations(
    page: Page, live_portal: str, live_app: FastAPI
) -> None:
    """The library list, a resource with two versions of a file, the add form with errors,
    and "your resources"."""
    sign_in_with_session(page, live_app, portal_url=live_portal)
    owner_id = own_member_id(page)
    storage = live_app.state.file_storage
    with transaction(live_app.state.session_factory) as db:
        owner = db.get_one(Member, owner_id)
        resource = create_resource(
            db,
            storage=storage,
            actor=owner,
            data=ResourceData(
                title="Writing chronologies that help",
                summary="A practice guide to chronologies.",
                type="practice_guide",
                topics=["child-protection"],
            ),
            uploads=[Upload("chronologies.txt", io.BytesIO(b"First version"))],
            max_bytes=1024 * 1024,
        )
        resource_id = resource.id
        file_id = db.execute(
            select(ResourceFile.id).where(ResourceFile.resource_id == resource_id)
        ).scalar_one()
        add_files(
            db,
            storage=storage,
            actor=owner,
            resource_id=resource_id,
            uploads=[Upload("chronologies.txt", io.BytesIO(b"Second version"))],
            max_bytes=1024 * 1024,
            replaces_file_id=file_id,
            change_note="Shorter",
        )

    for path in ("/resources", f"/resources/{resource_id}", "/resources/mine", "/resources/new"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)

    page.goto("/resources/new")
    with page.expect_response("**/resources") as posted:
        page.get_by_role("button", name="Add to the library").click()
    assert posted.value.status == 422
    assert "csrftoken" not in page.url  # the token is in the form, never the address
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_no_axe_violations(page)


def _arrange_discussions(live_app: FastAPI, member_id: str) -> dict[str, str]:
    """Categories, a question with replies (a champion's accepted, one hidden, one edited)
    and a locked thread; returns ids by role."""
    from app.discussions.markdown import render_markdown
    from app.discussions.models import Post, PostRevision, Reaction, Thread
    from app.discussions.seed import seed_discussions

    with transaction(live_app.state.session_factory) as db:
        seed_discussions(db)
        db.flush()
        from sqlalchemy import select

        from app.discussions.models import Category

        category = db.execute(
            select(Category).where(Category.slug == "newly-qualified-and-asye")
        ).scalar_one()
        champion = Member(display_name="Gareth Evans", is_champion=True)
        db.add(champion)
        db.flush()
        question = Thread(
            category_id=category.id,
            author_id=member_id,
            title="How did you manage your first month as an ASYE?",
            is_question=True,
            last_post_number=4,
            reply_count=3,
        )
        locked = Thread(
            category_id=category.id,
            author_id=champion.id,
            title="Closed: supervision templates",
            lock_reason="Answered in the resource library.",
            last_post_number=1,
        )
        db.add_all([question, locked])
        db.flush()
        bodies = [
            (member_id, "What helped you most? **Protected caseloads**, shadowing?"),
            (champion.id, "Ask for a caseload that builds gradually.\n\n- fortnightly supervision"),
            (champion.id, "A reply a moderator hid."),
            (member_id, "Thanks, [this guide](https://example.org) helped."),
        ]
        posts = [
            Post(
                thread_id=question.id,
                number=number,
                author_id=author,
                body_markdown=body,
                body_html=render_markdown(body),
            )
            for number, (author, body) in enumerate(bodies, start=1)
        ]
        posts[2].hidden_reason = "Could identify a family."
        db.add_all(posts)
        db.add(
            Post(
                thread_id=locked.id,
                number=1,
                author_id=champion.id,
                body_markdown="Templates, please.",
                body_html="<p>Templates, please.</p>",
            )
        )
        db.flush()
        question.accepted_post_id = posts[1].id
        posts[0].edit_count = 1
        posts[0].edited_at = posts[0].created_at
        db.add(
            PostRevision(
                post_id=posts[0].id,
                title="First month?",
                body_markdown="First version",
                written_at=posts[0].created_at,
                replaced_by_id=member_id,
            )
        )
        db.add(Reaction(post_id=posts[1].id, member_id=member_id, kind="helpful"))
        return {"question": question.id, "locked": locked.id, "first_post": posts[0].id}


def test_discussion_pages_have_no_axe_violations(
    page: Page, live_portal: str, live_app: FastAPI
) -> None:
    """The discussion pages as a moderator and admin sees them (every form showing), a
    locked thread, the compose form with errors, and the guard's findings."""
    sign_in_with_session(page, live_app, portal_url=live_portal)
    member_id = own_member_id(page)
    with transaction(live_app.state.session_factory) as db:
        db.get_one(Member, member_id).is_admin = True
    ids = _arrange_discussions(live_app, member_id)

    for path in (
        "/discussions",
        "/discussions/c/newly-qualified-and-asye",
        f"/discussions/t/{ids['question']}",
        f"/discussions/t/{ids['locked']}",
        "/discussions/new",
        "/discussions/unanswered",
        "/discussions/following",
        f"/discussions/p/{ids['first_post']}/history",
        f"/discussions/p/{ids['first_post']}/edit",
        f"/discussions/t/{ids['question']}/reply?quote={ids['first_post']}",
        "/discussions/start",
        "/discussions/manage/categories",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)
    expect(page.get_by_role("heading", name="Manage discussion categories")).to_be_visible()

    page.goto("/discussions/start")
    page.get_by_label("Title").fill("")
    with page.expect_response("**/discussions/start*") as posted:
        page.get_by_role("button", name="Post thread").click()
    assert posted.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Enter a title for your thread")
    assert_no_axe_violations(page)

    page.get_by_label("Category").select_option(label="Practice questions")
    page.get_by_label("Title").fill("A home visit")
    page.get_by_label("Your post").fill("Visited Jayden Smith (4) at LS6 2QT.")
    with page.expect_response("**/discussions/start*") as posted:
        page.get_by_role("button", name="Post thread").click()
    assert posted.value.status == 409
    expect(page.locator("mark").first).to_have_text("Jayden Smith (4)")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview")).to_contain_text("Visited Jayden Smith (4)")
    assert_no_axe_violations(page)
    page.get_by_label("Your post").fill("Visited Jayden Smith (4) at LS6 2QT.")
    page.get_by_role("button", name="Post thread").click()
    page.get_by_label("The names and details are invented or changed").check()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Post anyway").click()
    expect(page.get_by_role("heading", name="A home visit")).to_be_visible()
    assert_no_axe_violations(page)


def test_event_pages_have_no_axe_violations(
    page: Page, live_portal: str, live_app: FastAPI
) -> None:
    """Lists, an event the member organises and has booked (with its joining link), the
    attendee list, the form with errors and the new calendar feed address."""
    sign_in_with_session(page, live_app, portal_url=live_portal)
    member_id = own_member_id(page)
    next_month = (utcnow() + timedelta(days=30)).astimezone(LONDON).date().isoformat()
    with transaction(live_app.state.session_factory) as db:
        organiser = db.get_one(Member, member_id)
        event = event_service.create_event(
            db,
            actor=organiser,
            data=EventData(
                title="Reflective supervision workshop",
                description="Bring a **recent case**.",
                type="webinar",
                start_date=next_month,
                start_time="10:00",
                end_time="12:00",
                online=True,
                joining_link="https://meet.example.org/room",
                capacity=10,
            ),
        )
        event_service.book(db, actor=organiser, event_id=event.id, reminder_hours=24)
        event_id = event.id

    for path in (
        "/events",
        f"/events/{event_id}",
        f"/events/{event_id}/attendees",
        "/events?when=mine",
        "/events/new",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)

    page.goto("/events/new")
    with page.expect_response("**/events") as posted:
        page.get_by_role("button", name="Publish the event").click()
    assert posted.value.status == 422
    assert_no_axe_violations(page)

    page.goto("/events?when=mine")
    page.get_by_role("button", name="Make my feed address").click()
    expect(page.locator("#feed-url")).to_contain_text("/calendar/")
    assert_no_axe_violations(page)


def test_opportunity_pages_have_no_axe_violations(
    page: Page, live_portal: str, live_app: FastAPI
) -> None:
    """The list with filters, an open and a closed opportunity (as their recruiter), the
    form, the form with errors, the home page's "new this week" block, the member's
    alerts (empty, then with one saved from the list), and the partnership's report."""
    sign_in_with_session(page, live_app, portal_url=live_portal)
    member_id = own_member_id(page)
    next_month = (utcnow() + timedelta(days=30)).astimezone(LONDON).date()
    with transaction(live_app.state.session_factory) as db:
        recruiter = db.get_one(Member, member_id)
        recruiter.is_recruiter = True
        ids = []
        for title in ("Senior social worker, fostering", "ASYE place, assessment team"):
            ids.append(
                opportunity_service.post_opportunity(
                    db,
                    actor=recruiter,
                    data=OpportunityData(
                        title=title,
                        kind="permanent",
                        location="hybrid",
                        pay="Grade 9",
                        closing_date=next_month,
                        apply_url="https://jobs.example.gov.uk/1",
                        description="A **stable** team.",
                    ),
                ).id
            )
        closed = db.get_one(Opportunity, ids[1])
        closed.closes_at = utcnow() - timedelta(minutes=1)

    for path in (
        "/opportunities",
        "/opportunities?kind=permanent&closing=week&sort=newest",
        f"/opportunities/{ids[0]}",
        f"/opportunities/{ids[1]}",
        f"/opportunities/{ids[0]}/edit",
        "/opportunities/new",
        "/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)

    page.goto("/opportunities/alerts")
    assert_no_axe_violations(page)
    page.goto("/opportunities?kind=permanent&location=hybrid")
    page.get_by_role("button", name="Tell me of new opportunities like these").click()
    page.wait_for_url("**/opportunities/alerts")
    assert "Permanent post, Hybrid" in page.content()
    assert_no_axe_violations(page)

    page.goto("/opportunities/new")
    with page.expect_response("**/opportunities") as posted:
        page.get_by_role("button", name="Post the opportunity").click()
    assert posted.value.status == 422
    assert_no_axe_violations(page)

    with transaction(live_app.state.session_factory) as db:
        db.get_one(Member, member_id).is_admin = True
    response = page.goto("/admin/opportunities/report")
    assert response is not None and response.status == 200
    assert "Leeds City Council" in page.content()  # two posted this month
    assert_no_axe_violations(page)


def test_group_pages_have_no_axe_violations(
    page: Page, live_portal: str, live_app: FastAPI
) -> None:
    """The groups list with its form, a private group as its owner (members, a request to
    join, the invitation form) and as an outsider who may only ask to join."""
    sign_in_with_session(page, live_app, portal_url=live_portal)
    owner_id = own_member_id(page)
    with transaction(live_app.state.session_factory) as db:
        owner = db.get_one(Member, owner_id)
        group = create_group(
            db,
            actor=owner,
            name="Research network",
            description="Research into practice.",
            kind="private",
        )
        applicant = Member(display_name="Ann Applicant", email="ann@example.org")
        db.add(applicant)
        db.flush()
        db.add(JoinRequest(group_id=group.id, member_id=applicant.id, message="I study neglect"))
        outsider_group = create_group(
            db,
            actor=applicant,
            name="Practice educators",
            description="Placements.",
            kind="private",
        )
        slug, outsider_slug = group.slug, outsider_group.slug

    for path in ("/groups", f"/groups/{slug}", f"/groups/{outsider_slug}"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)
    expect(page.get_by_role("button", name="Ask to join")).to_be_visible()


def test_search_pages_have_no_axe_violations(
    page: Page, live_portal: str, live_app: FastAPI
) -> None:
    """The search page empty, with results, facets, a highlighted snippet and "did you mean",
    with suggestions shown as you type (htmx), and the admin search page."""
    from app.outbox.service import drain_once
    from app.worker import registered_handlers

    sign_in_with_session(page, live_app, portal_url=live_portal)
    member_id = own_member_id(page)
    with transaction(live_app.state.session_factory) as db:
        owner = db.get_one(Member, member_id)
        owner.is_admin = True
        for title in ("Writing chronologies that help", "Chronology templates"):
            create_resource(
                db,
                storage=live_app.state.file_storage,
                actor=owner,
                data=ResourceData(
                    title=title,
                    summary="Chronologies in child protection work.",
                    type="practice_guide",
                    topics=["child-protection"],
                    external_url="https://example.org/guide",
                ),
                uploads=[],
                max_bytes=1024 * 1024,
            )
    handlers = registered_handlers(live_app.state.session_factory, live_app.state.settings)
    while drain_once(live_app.state.session_factory, handlers):
        pass

    for path in ("/search", "/search?q=chronolgies", "/admin/search"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)

    page.goto("/search?q=chronolgies")
    expect(page.locator("#did-you-mean")).to_contain_text("chronologies")
    page.get_by_label("Search resources, discussions, events, members and groups").fill("chrono")
    expect(page.locator("#search-suggestions a").first).to_be_visible()
    assert_no_axe_violations(page)


def test_moderation_pages_have_no_axe_violations(
    page: Page, live_portal: str, live_app: FastAPI
) -> None:
    """The report form (empty and with an error), the queue with a report, the report page
    with every action form, a refused action, the handled list and the warnings page."""
    sign_in_with_session(page, live_app, portal_url=live_portal)
    member_id = own_member_id(page)
    with transaction(live_app.state.session_factory) as db:
        db.get_one(Member, member_id).is_admin = True
        author = Member(display_name="Dan Author", email="dan@leeds.gov.uk")
        db.add(author)
        db.flush()
        resource = create_resource(
            db,
            storage=live_app.state.file_storage,
            actor=author,
            data=ResourceData(
                title="A guide to report",
                summary="A practice guide.",
                type="practice_guide",
                topics=[],
                external_url="https://example.org/guide",
            ),
            uploads=[],
            max_bytes=1024 * 1024,
        )
        resource_id = resource.id

    page.goto(f"/moderation/report?kind=resource&id={resource_id}")
    assert_no_axe_violations(page)
    with page.expect_response("**/moderation/report") as posted:
        page.get_by_role("button", name="Send report").click()
    assert posted.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Choose why you are reporting this")
    assert_no_axe_violations(page)
    page.get_by_label("Misinformation").check()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="A guide to report")).to_be_visible()

    page.goto("/moderation/reports")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Resource “A guide to report”").click()
    expect(page.get_by_role("heading", name="Resource “A guide to report”")).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_response("**/hide") as posted:
        page.get_by_role("button", name="Hide the resource").click()
    assert posted.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Give a reason")
    assert_no_axe_violations(page)

    page.get_by_label("Warning to Dan Author").fill("Please check your sources.")
    page.get_by_role("button", name="Warn the author").click()
    expect(page.locator("#report-status")).to_contain_text("Warned")
    assert_no_axe_violations(page)

    for path in ("/moderation/reports?status=closed", "/moderation/warnings"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)


def test_notification_pages_have_no_axe_violations(
    page: Page, live_portal: str, live_app: FastAPI
) -> None:
    """The list with unread and read notifications, the header count, the e-mail settings
    (as shown and with an error), and the unsubscribe pages an e-mail opens: the question,
    the confirmation and the refusal of a changed link, signed out."""
    sign_in_with_session(page, live_app, portal_url=live_portal)
    member_id = own_member_id(page)
    with transaction(live_app.state.session_factory) as db:
        author = Member(display_name="Rae Replier", email="rae@leeds.gov.uk")
        db.add(author)
        db.flush()
        seed_discussions(db)
        db.flush()
        category_id = (
            db.execute(
                select(Category.id).where(Category.group_id.is_(None)).order_by(Category.position)
            )
            .scalars()
            .first()
        )
        assert category_id is not None
        # two threads: replies in one thread merge into one notification
        for title, body in (
            ("Planning transitions", "Start at fourteen."),
            ("Leaving care", "Involve the personal adviser."),
        ):
            thread_id = discussion_service.start_thread(
                db,
                actor=db.get_one(Member, member_id),
                data=ThreadCreate(category_id=category_id, title=title, body="How?"),
            ).id
            discussion_service.reply(
                db, actor=author, thread_id=thread_id, data=PostCreate(body=body)
            )
    tell_now(live_app)

    page.goto("/")
    expect(page.locator(".portal-header__notifications")).to_contain_text("2")
    page.locator(".portal-header__notifications").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Mark as read").first.click()
    expect(page.get_by_text("Marked as read.")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto("/notifications/settings")
    assert_no_axe_violations(page)
    replies = page.get_by_role("group", name="Replies in threads I follow")
    replies.get_by_label("At once").check()
    page.get_by_role("button", name="Save e-mail settings").click()
    expect(page.get_by_text("Your e-mail settings are saved.")).to_be_visible()
    expect(replies.get_by_label("At once")).to_be_checked()
    # a value the form does not offer, as a tampered request would send
    page.eval_on_selector(
        "#reply-off", "radio => { radio.value = 'loudly'; radio.checked = true; }"
    )
    with page.expect_response("**/notifications/settings") as posted:
        page.get_by_role("button", name="Save e-mail settings").click()
    assert posted.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Choose how to hear about replies")
    page.get_by_role("alert").get_by_role("link").first.click()
    expect(page.locator("#reply")).to_be_focused()  # the summary leads to the field
    assert_no_axe_violations(page)

    token = unsubscribe_token(live_app.state.settings, member_id=member_id, kind="reply")
    page.context.clear_cookies()
    page.goto(f"/unsubscribe/{token}")
    expect(page.get_by_role("heading", name="Stop e-mails about replies")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Stop these e-mails").click()
    expect(page.get_by_role("heading", name="E-mails stopped")).to_be_visible()
    assert_no_axe_violations(page)
    response = page.goto(f"/unsubscribe/{token}x")
    assert response is not None and response.status == 400
    assert_no_axe_violations(page)


def test_cpd_pages_have_no_axe_violations(page: Page, live_portal: str, live_app: FastAPI) -> None:
    """My CPD with a suggestion, an invitation waiting and an entry discussed with a
    colleague; the entry page; the form pre-filled, with errors and with the guard's
    findings; and the invitation page a colleague answers."""
    from app.cpd import service as cpd
    from app.cpd.models import CpdEntry, CpdKind, CpdReflection, CpdStatus, ReflectionStatus
    from app.cpd.schemas import InvitationData

    sign_in_with_session(page, live_app, portal_url=live_portal)
    member_id = own_member_id(page)
    today = utcnow().astimezone(LONDON).date()
    with transaction(live_app.state.session_factory) as db:
        seed_discussions(db)
        db.flush()
        me = db.get_one(Member, member_id)
        colleague = (
            db.execute(
                select(Member).where(Member.id != member_id, Member.status == MemberStatus.ACTIVE)
            )
            .scalars()
            .first()
        )
        if colleague is None:
            colleague = Member(display_name="Cal Colleague", status=MemberStatus.ACTIVE)
            db.add(colleague)
            db.flush()
        category_id = db.execute(
            select(Category.id).where(Category.group_id.is_(None)).limit(1)
        ).scalar_one()
        thread = discussion_service.start_thread(
            db,
            actor=colleague,
            data=ThreadCreate(category_id=category_id, title="Life story work", body="Ideas?"),
        )
        discussion_service.reply(
            db, actor=me, thread_id=thread.id, data=PostCreate(body="Memory boxes help.")
        )
        entry = CpdEntry(
            member_id=member_id,
            title="Trauma-informed practice course",
            happened_on=today,
            kind=CpdKind.COURSE,
            hours=6,
            learning="Regulate before reasoning.",
            impact="Calmer first visits.",
            status=CpdStatus.RECORDED,
        )
        db.add(entry)
        db.flush()
        db.add(
            CpdReflection(
                entry_id=entry.id,
                peer_id=colleague.id,
                question="Does this fit our team?",
                note="It does; we tried it.",
                status=ReflectionStatus.NOTED,
                answered_at=utcnow(),
            )
        )
        theirs = CpdEntry(
            member_id=colleague.id,
            title="Shadowing a family group conference",
            happened_on=today,
            kind=CpdKind.SHADOWING,
            status=CpdStatus.DRAFT,
        )
        db.add(theirs)
        db.flush()
        invitation = cpd.invite_peer(
            db,
            actor=colleague,
            entry_id=theirs.id,
            data=InvitationData(colleague=str(me.email), question="What would you do next?"),
        )
        entry_id, invitation_id, thread_id = entry.id, invitation.id, thread.id

    for path in (
        "/cpd",
        f"/cpd/{entry_id}",
        f"/cpd/{entry_id}/edit",
        f"/cpd/new?from=thread:{thread_id}",
        f"/cpd/invitations/{invitation_id}",
        f"/discussions/t/{thread_id}",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)

    page.goto("/cpd/new")
    page.fill("#title", "")
    with page.expect_response("**/cpd") as posted:
        page.get_by_role("button", name="Save").click()
    assert posted.value.status == 422
    assert_no_axe_violations(page)

    page.goto("/cpd/new")
    page.fill("#title", "A visit")
    page.fill("#learning", "Jayden, aged 7, lives at 14 Elm Street with his mum.")
    page.fill("#impact", "More care.")
    with page.expect_response("**/cpd") as posted:
        page.get_by_role("button", name="Save", exact=True).click()
    assert posted.value.status == 409
    assert_no_axe_violations(page)
