"""Issue 14's journeys, each walked in a real browser with JavaScript on and again with it
off, and every page they visit scanned, as it was shown, by axe-core (WCAG 2.2 A/AA) and
the layout check (no sideways scrolling, no word broken that had room) at 1280 and 375 px
(tests/browser/journeys.py). The checks that guard the scan itself are at the end.

Only the first-sign-in journey signs in through the OpenID providers (oidc-provider-mock);
the others start with the session sign-in would leave (tests/support/sessions.py)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update

from app.db import transaction
from app.discussions import service as discussions
from app.discussions.models import Category
from app.discussions.schemas import ThreadCreate
from app.discussions.seed import seed_discussions
from app.events import service as events
from app.events.models import Event
from app.members.models import Member, Organisation
from app.members.service import admit_identity
from app.moderation import service as moderation
from app.outbox.service import drain_once
from app.resources.models import ResourceType
from app.resources.schemas import ResourceData
from app.resources.service import create_resource
from app.worker import registered_handlers
from tests.browser.journeys import browser_context, open_as, scan
from tests.support.flows import set_provider_claims
from tests.support.portal import add_event, tell_now

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("partner_organisations")]

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


def add_member(app: FastAPI, name: str, **flags: Any) -> str:
    with transaction(app.state.session_factory) as db:
        leeds = db.execute(
            select(Organisation).where(Organisation.name == "Leeds City Council")
        ).scalar_one()
        member = Member(
            display_name=name,
            email=f"{name.lower().replace(' ', '.')}@leeds.gov.uk",
            email_verified=True,
            organisation_id=leeds.id,
            **flags,
        )
        db.add(member)
        db.flush()
        return member.id


def expect_flash(page: Page, text: str, *, javascript: bool) -> None:
    expect(page.locator("#flash")).to_contain_text(text)
    if javascript:
        expect(page.locator("#flash")).to_be_focused()  # where keyboard users land


# --- the admin's day ---------------------------------------------------------------------


def apply_to_join(app: FastAPI, name: str, email: str) -> str:
    """A first sign-in that must wait: the York provider names no organisation here and no
    partner uses the address's domain, so admission records why and tells the admins."""
    provider = app.state.identity_providers.get("york-uni")
    with transaction(app.state.session_factory) as db:
        db.execute(
            update(Organisation)
            .where(Organisation.name == "University of York")
            .values(name="University of York (renamed)")
        )
        admission = admit_identity(
            db,
            provider=provider,
            issuer=provider.issuer,
            subject=email,
            claims={"name": name, "email": email, "email_verified": True},
        )
        return admission.member.id


@JAVASCRIPT
def test_admins_day(
    browser: Browser, live_portal: str, live_app: FastAPI, javascript: bool
) -> None:
    """A pending applicant with the reason, the admin told, admitted; a member warned, who
    then finds the warning from their account page."""
    admin_id = add_member(live_app, "Ada Admin", is_admin=True)
    author_id = add_member(live_app, "Dan Author")
    reader_id = add_member(live_app, "Rita Reader")
    apply_to_join(live_app, "Fay Applicant", "fay@example.net")
    with transaction(live_app.state.session_factory) as db:
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
        thread = discussions.start_thread(
            db,
            actor=db.get_one(Member, author_id),
            data=ThreadCreate(
                category_id=category_id, title="Laptops for sale", body="Cheap **laptops**."
            ),
        )
        moderation.report_content(
            db,
            actor=db.get_one(Member, reader_id),
            kind="thread",
            target_id=thread.id,
            reason="spam",
            note="",
        )
    tell_now(live_app)

    with browser_context(browser, live_portal, javascript=javascript) as context:
        page = open_as(context, live_app, live_portal, admin_id)
        page.goto("/")
        expect(page.locator(".portal-header__notifications")).to_contain_text("1")
        scan(page)
        page.locator(".portal-header__notifications").click()
        told = page.get_by_role("link", name="Fay Applicant is waiting for approval")
        expect(told).to_be_visible()
        expect(page.get_by_text("No organisation of the partnership uses")).to_be_visible()
        scan(page)

        told.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Fay Applicant")
        expect(page.locator("#status-reason")).to_contain_text(
            "No organisation of the partnership uses the e-mail domain example.net"
        )
        scan(page)
        page.get_by_role("button", name="Approve").click()
        expect_flash(page, "is now a member", javascript=javascript)
        scan(page)
        page.goto("/admin/members")
        expect(page.get_by_role("link", name="Fay Applicant")).to_be_visible()
        scan(page)

        page.goto("/moderation/reports")
        expect(page.locator(".portal-reported-text")).to_contain_text("Cheap laptops.")
        scan(page)
        page.get_by_role("link", name="Thread “Laptops for sale”").click()
        scan(page)
        page.get_by_label("Warning to Dan Author").fill("Please keep to practice matters.")
        page.get_by_role("button", name="Warn the author").click()
        expect(page.locator("#report-status")).to_contain_text("Warned")
        scan(page)
    tell_now(live_app)

    with browser_context(browser, live_portal, javascript=javascript) as context:
        page = open_as(context, live_app, live_portal, author_id)
        page.goto("/")
        expect(page.locator(".portal-header__notifications")).to_contain_text("1")
        scan(page)
        page.goto("/profile")
        scan(page)
        page.get_by_role("link", name="Warnings from moderators (1)").click()
        expect(page.get_by_text("Please keep to practice matters.")).to_be_visible()
        scan(page)
        page.goto("/notifications")
        expect(
            page.get_by_role("link", name="A moderator has warned you about Thread")
        ).to_be_visible()
        scan(page)


# --- first sign-in -----------------------------------------------------------------------


def sign_in_at_provider(
    page: Page, *, provider_label: str, provider_url: str, subject: str, claims: dict[str, Any]
) -> None:
    set_provider_claims(provider_url, subject, claims)
    page.goto("/auth/sign-in")
    scan(page)
    page.get_by_role("button", name=f"Sign in with {provider_label}").click()
    page.wait_for_url(f"{provider_url}/**")
    page.fill("input[name=sub]", subject)
    page.get_by_role("button", name="Authorize", exact=True).click()


@JAVASCRIPT
def test_first_sign_in(
    browser: Browser,
    live_portal: str,
    live_app: FastAPI,
    oidc_primary: Any,
    oidc_secondary: Any,
    javascript: bool,
) -> None:
    """The questions after admission; a personal address told to use a work account; a
    verified council address admitted at once by its domain."""
    with transaction(live_app.state.session_factory) as db:
        seed_discussions(db)
        db.execute(
            update(Organisation)
            .where(Organisation.name == "Calderdale Council")
            .values(email_domains=["calderdale.gov.uk"])
        )
        db.execute(
            update(Organisation)
            .where(Organisation.name == "University of York")
            .values(name="University of York (renamed)")
        )
    suffix = "js" if javascript else "nojs"

    with browser_context(browser, live_portal, javascript=javascript) as context:
        page = context.new_page()
        sign_in_at_provider(
            page,
            provider_label="Leeds City Council",
            provider_url=oidc_primary.url,
            subject=f"nia-{suffix}",
            claims={"name": "Nia Newcomer", "email": f"nia.{suffix}@leeds.gov.uk"},
        )
        page.wait_for_url("**/welcome?next=%2F")
        expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Nia Newcomer")
        expect(page.locator("#organisation")).to_contain_text("Leeds City Council")
        scan(page)

        page.get_by_label("Your name").fill(" ")
        page.get_by_role("button", name="Save and continue").click()
        expect(page.get_by_role("alert")).to_contain_text("Enter your name as colleagues know it")
        scan(page)

        page.get_by_label("Your name").fill("Nia Newcomer-Jones")
        page.get_by_label("Team manager or senior manager").check()
        page.get_by_role("group", name="Your areas of practice").get_by_role(
            "checkbox"
        ).first.check()
        page.get_by_role("group", name="Discussions to follow").get_by_role(
            "checkbox"
        ).first.check()
        page.get_by_label("On Monday mornings").check()
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_url(f"{live_portal}/")
        expect_flash(page, "Your account is set up", javascript=javascript)
        expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Nia Newcomer-Jones")
        scan(page)

    with browser_context(browser, live_portal, javascript=javascript) as context:
        page = context.new_page()
        sign_in_at_provider(
            page,
            provider_label="Leeds City Council",
            provider_url=oidc_primary.url,
            subject=f"pat-{suffix}",
            claims={"name": "Pat Personal", "email": f"pat.{suffix}@gmail.com"},
        )
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with your work account")
        expect(page.locator("#admission-message")).to_contain_text("personal e-mail address")
        scan(page)

    with browser_context(browser, live_portal, javascript=javascript) as context:
        page = context.new_page()
        sign_in_at_provider(
            page,
            provider_label="University of York",
            provider_url=oidc_secondary.url,
            subject=f"cal-{suffix}",
            claims={
                "name": "Cal Worker",
                "email": f"cal.{suffix}@calderdale.gov.uk",
                "email_verified": True,
            },
        )
        page.wait_for_url("**/welcome?next=%2F")
        expect(page.locator("#organisation")).to_contain_text("Calderdale Council")
        scan(page)
        page.get_by_role("button", name="Skip these questions").click()
        page.wait_for_url(f"{live_portal}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Cal Worker")
        scan(page)


# --- the event waitlist ------------------------------------------------------------------


@JAVASCRIPT
def test_event_waitlist(
    browser: Browser, live_portal: str, live_app: FastAPI, javascript: bool
) -> None:
    """A full event: join its waitlist, leave it (after saying yes) and be told so."""
    organiser_id = add_member(live_app, "Ola Organiser")
    booked_id = add_member(live_app, "Bea Booked")
    member_id = add_member(live_app, "Wes Waiting")
    event_id = add_event(live_app, organiser_id, "Life story work")
    with transaction(live_app.state.session_factory) as db:
        db.get_one(Event, event_id).capacity = 1
        events.book(db, actor=db.get_one(Member, booked_id), event_id=event_id, reminder_hours=24)

    with browser_context(browser, live_portal, javascript=javascript) as context:
        page = open_as(context, live_app, live_portal, member_id)
        page.goto(f"/events/{event_id}")
        scan(page)
        page.get_by_role("button", name="Join the waitlist").click()
        expect_flash(page, "The event is full: you are on the waitlist.", javascript=javascript)
        scan(page)

        page.get_by_role("button", name="Leave the waitlist").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Leave the waitlist for “Life story work”?"
        )
        scan(page)
        page.get_by_role("link", name="No, go back").click()
        expect(page.locator("#booking-status")).to_contain_text("You are on the waitlist")

        page.get_by_role("button", name="Leave the waitlist").click()
        page.get_by_role("button", name="Yes, leave the waitlist").click()
        expect_flash(page, "You have left the waitlist.", javascript=javascript)
        expect(page.get_by_text("Your booking is cancelled")).to_have_count(0)
        expect(page.locator("#booking-status")).to_contain_text("You are not booked")
        scan(page)


# --- find and ask ------------------------------------------------------------------------


def index_everything(app: FastAPI) -> None:
    handlers = registered_handlers(app.state.session_factory, app.state.settings)
    while drain_once(app.state.session_factory, handlers):
        pass


@JAVASCRIPT
def test_find_and_ask(
    browser: Browser, live_portal: str, live_app: FastAPI, javascript: bool
) -> None:
    """Search, open a resource, ask in a thread, reply, and delete the reply after saying
    yes."""
    member_id = add_member(live_app, "Asha Asker")
    with transaction(live_app.state.session_factory) as db:
        seed_discussions(db)
        resource_id = create_resource(
            db,
            storage=live_app.state.file_storage,
            actor=db.get_one(Member, member_id),
            data=ResourceData(
                title="Writing chronologies that help",
                summary="Chronologies in child protection work.",
                type=ResourceType.PRACTICE_GUIDE,
                topics=[],
                external_url="https://example.org/guide",
            ),
            uploads=[],
            max_bytes=1024 * 1024,
        ).id
    index_everything(live_app)

    with browser_context(browser, live_portal, javascript=javascript) as context:
        page = open_as(context, live_app, live_portal, member_id)
        page.goto("/search")
        scan(page)
        page.get_by_label("Search resources, discussions, events, members and groups").fill(
            "chronologies"
        )
        page.get_by_role("button", name="Search", exact=True).click()
        # this test's resource: the index keeps documents of earlier tests' deleted rows
        result = page.locator(f'a[href="/resources/{resource_id}"]').first
        expect(result).to_be_visible()
        scan(page)
        result.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Writing chronologies that help")
        scan(page)

        page.goto("/discussions/start")
        scan(page)
        page.get_by_label("Category").select_option(index=1)
        page.get_by_label("Title").fill("How long should a chronology be?")
        page.get_by_label("Your post").fill("Ours run to forty pages. Is that usual?")
        page.get_by_role("button", name="Post thread").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "How long should a chronology be?"
        )
        scan(page)

        page.get_by_label("Your reply").fill("Keep the key events on two pages.")
        page.get_by_role("button", name="Post reply").click()
        expect(page.get_by_text("Keep the key events on two pages.")).to_be_visible()
        scan(page)

        page.get_by_role("button", name="Delete post reply 1").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Delete reply 1 in “How long should a chronology be?”?"
        )
        scan(page)
        page.get_by_role("button", name="Yes, delete the reply").click()
        expect_flash(page, "The post has been deleted.", javascript=javascript)
        scan(page)


def _planted(html: str) -> Any:
    """A route handler that serves the portal's page with ``html`` added to its main, and
    without the security policy that would refuse the planted inline styles."""

    def plant(route: Any) -> None:
        response = route.fetch()
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() != "content-security-policy"
        }
        body = response.text().replace("</main>", html + "</main>")
        route.fulfill(status=response.status, headers=headers, body=body)

    return plant


@pytest.mark.parametrize(
    ("planted", "reported"),
    [
        ('<img src="/static/build/assets/images/favicon.png">', "image-alt"),
        ('<div style="width: 600px">A wide box</div>', "the page is 6"),
        (
            '<p style="word-break: break-all; width: 12em">Calderdale Metropolitan Borough'
            " Council and Kirklees Council</p>",
            "breaks mid-word in p",
        ),
    ],
    ids=["image-without-alt", "wider-than-a-phone", "word-broken"],
)
def test_the_scan_of_a_page_without_javascript_reports_what_is_planted(
    browser: Browser, live_portal: str, planted: str, reported: str
) -> None:
    """Guards the scan as the JavaScript-off runs use it: a problem planted in the page as
    served, to a browser that runs no script, must be reported."""
    context = browser.new_context(base_url=live_portal, java_script_enabled=False)
    try:
        page = context.new_page()
        page.route("**/auth/sign-in", _planted(planted))
        page.goto("/auth/sign-in")
        with pytest.raises(AssertionError, match=reported):
            scan(page)
    finally:
        context.close()


def test_a_journey_that_leaves_a_page_unscanned_fails(browser: Browser, live_portal: str) -> None:
    unscanned = pytest.raises(AssertionError, match=r"never scanned: \['/auth/signed-out'\]")
    with unscanned, browser_context(browser, live_portal, javascript=False) as context:
        page = context.new_page()
        page.goto("/auth/sign-in")
        scan(page)
        page.goto("/auth/signed-out")


def test_the_notifications_link_shows_where_keyboard_focus_is(
    browser: Browser, live_portal: str, live_app: FastAPI
) -> None:
    """The white link on the dark header: focused from the keyboard, it must look different
    (GOV.UK's yellow with a dark underline), not rely on the browser's default ring."""
    member_id = add_member(live_app, "Kim Keyboard")
    with browser_context(browser, live_portal, javascript=True) as context:
        page = open_as(context, live_app, live_portal, member_id)
        page.goto("/")
        scan(page)
        link = page.locator(".portal-header__notifications")
        style = (
            "element => { const s = getComputedStyle(element);"
            " return [s.backgroundColor, s.boxShadow, s.outlineStyle, s.color]; }"
        )
        before = link.evaluate(style)
        for _ in range(40):  # Tab through the page as a keyboard user does
            page.keyboard.press("Tab")
            if link.evaluate("element => element === document.activeElement"):
                break
        expect(link).to_be_focused()
        background, shadow, outline, colour = link.evaluate(style)
        assert background == "rgb(255, 221, 0)", background
        assert "rgb(11, 12, 12)" in shadow, shadow
        assert colour == "rgb(11, 12, 12)" and before[3] == "rgb(255, 255, 255)", (before, colour)
        assert (background, shadow) != (before[0], before[1])
        assert outline != "none" or shadow != "none"
