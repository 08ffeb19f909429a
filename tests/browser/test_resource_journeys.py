"""Issue 14 part B's journeys in a real browser, each with JavaScript on and off: an
academic uploads and versions a research paper, a group member adds a resource to a
secret group, and a resource or a reply being written survives a closed tab (drafts).
axe-core and the phone-width layout check scan every page they visit, at 1280 and 375
pixels wide, in both passes (tests/browser/journeys.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, FilePayload, expect
from sqlalchemy import update

from app.db import transaction
from app.groups.models import Group, GroupKind, GroupRole
from tests.browser.conftest import sign_in_with_session
from tests.browser.journeys import browser_context, scan
from tests.support import files
from tests.support.portal import add_group, add_thread, run_worker

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("partner_organisations")]


@pytest.fixture(params=[True, False], ids=["javascript-on", "javascript-off"])
def javascript(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def journey_context(
    browser: Browser, live_portal: str, javascript: bool
) -> Iterator[BrowserContext]:
    with browser_context(browser, live_portal, javascript=javascript) as context:
        yield context


def pdf(name: str, text: str) -> FilePayload:
    return {"name": name, "mimeType": "application/pdf", "buffer": files.pdf_with_text(text)}


def text_file(name: str, text: str) -> FilePayload:
    return {"name": name, "mimeType": "text/plain", "buffer": text.encode()}


def test_upload_and_version(
    journey_context: BrowserContext, live_portal: str, live_app: FastAPI, javascript: bool
) -> None:
    page = journey_context.new_page()
    sign_in_with_session(page, live_app, portal_url=live_portal, name="Ada Academic")
    scan(page)

    # the academic adds a research paper, forgetting its record and the title
    page.goto("/resources/new")
    scan(page)
    page.get_by_label("Summary").fill("What practitioners told us about neglect and poverty.")
    page.get_by_label("Type").select_option(label="Research paper")
    page.get_by_label("Files").set_input_files(pdf("neglect-study.pdf", "Findings"))
    with page.expect_response("**/resources") as posted:
        page.get_by_role("button", name="Add to the library").click()
    assert posted.value.status == 422

    summary = page.get_by_role("alert")
    for message in (
        "Enter the title",
        "Enter the year of publication: a research paper needs it",
        "Enter the authors: a research paper needs them",
        "Enter the abstract: a research paper needs it",
    ):
        expect(summary).to_contain_text(message)
    expect(summary).not_to_contain_text("Input should")
    attached = page.get_by_label("neglect-study.pdf (PDF", exact=False)
    expect(attached).to_be_checked()
    expect(page.get_by_label("Summary")).to_have_value(
        "What practitioners told us about neglect and poverty."
    )
    scan(page)

    # a year in words is still explained plainly, and the file is still attached
    page.get_by_label("Title").fill("Neglect and poverty in two authorities")
    page.get_by_label("Year of publication").fill("twenty24")
    page.get_by_label("Authors").fill("Moss, H.; Shah, P.")
    page.get_by_label("Abstract").fill("We studied neglect and poverty in two authorities.")
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Year of publication must be a whole number, like 2024"
    )
    expect(page.get_by_label("neglect-study.pdf (PDF", exact=False)).to_be_checked()
    expect(page.get_by_label("Authors")).to_have_value("Moss, H.; Shah, P.")

    page.get_by_label("Year of publication").fill("2024")
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Neglect and poverty in two authorities"
    )
    expect(page.get_by_role("link", name="neglect-study.pdf")).to_be_visible()
    scan(page)

    # a new version, first without saying what changed
    page.get_by_text("Upload a new version of neglect-study.pdf").click()
    page.get_by_label("The new version").set_input_files(pdf("neglect-study-final.pdf", "Final"))
    page.get_by_role("button", name="Upload the new version").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what changed in this version")
    expect(page.get_by_label("neglect-study-final.pdf (PDF", exact=False)).to_be_checked()
    scan(page)
    page.get_by_label("What changed in this version").fill("Corrected table 2")
    page.get_by_role("button", name="Upload the new version").click()
    expect(page.get_by_role("status")).to_contain_text("The new version is saved")
    expect(page.locator("#main-content")).to_contain_text("Version 2 (current)")
    expect(page.locator("#main-content")).to_contain_text("Corrected table 2")

    # a second file, then rename the paper and remove the second file
    page.get_by_label("A file that is not a version of one above").set_input_files(
        text_file("interview-guide.txt", "Questions we asked")
    )
    page.get_by_role("button", name="Add the file").click()
    expect(page.get_by_role("link", name="interview-guide.txt")).to_be_visible()

    page.get_by_text("Rename or remove neglect-study.pdf").click()
    page.get_by_label("New name").first.fill("Moss and Shah 2024")
    page.get_by_role("button", name="Rename neglect-study.pdf").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The file is now called Moss and Shah 2024.pdf"
    )

    page.get_by_text("Rename or remove interview-guide.txt").click()
    page.get_by_role("button", name="Remove interview-guide.txt").click()
    expect(page.get_by_role("status")).to_contain_text("interview-guide.txt is removed")
    removed = page.locator("#removed-files + ul")
    expect(removed).to_contain_text("interview-guide.txt, removed")

    # the versions are named so that no two look alike
    page.get_by_text("All 2 versions of Moss and Shah 2024.pdf").click()
    expect(page.get_by_role("link", name="Moss and Shah 2024.pdf", exact=True)).to_have_count(2)
    expect(page.get_by_role("link", name="Moss and Shah 2024 (version 1).pdf")).to_be_visible()
    expect(page.locator("#main-content")).to_contain_text("as neglect-study.pdf")
    scan(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Moss and Shah 2024 (version 1).pdf").click()
    assert download.value.suggested_filename == "Moss and Shah 2024 (version 1).pdf"


def test_group_work(
    journey_context: BrowserContext,
    browser: Browser,
    live_portal: str,
    live_app: FastAPI,
    javascript: bool,
) -> None:
    page = journey_context.new_page()
    member_id = sign_in_with_session(page, live_app, portal_url=live_portal, name="Priya Lead")
    scan(page)
    group_id = add_group(live_app, "PSW network", {member_id: GroupRole.OWNER})
    with transaction(live_app.state.session_factory) as db:
        db.execute(update(Group).where(Group.id == group_id).values(kind=GroupKind.SECRET))

    page.goto("/groups/psw-network")
    scan(page)
    page.get_by_role("link", name="Add a resource for the group").click()
    expect(page.get_by_label("Who can see it")).to_have_value(group_id)
    expect(page.get_by_label("Who can see it").locator("option:checked")).to_have_text(
        "PSW network members only"
    )
    scan(page)
    page.get_by_label("Title").fill("Quarterly PSW supervision audit")
    page.get_by_label("Summary").fill("Supervision audit findings for the network.")
    page.get_by_label("Type").select_option(label="Briefing")
    page.get_by_label("Files").set_input_files(text_file("audit.txt", "Supervision audit"))
    page.get_by_role("button", name="Add to the library").click()

    expect(page.locator("#visible-to")).to_have_text("Visible to: PSW network members only")
    resource_url = page.url
    scan(page)

    page.goto("/resources")
    card = page.locator("#resources li").filter(has_text="Quarterly PSW supervision audit")
    expect(card).to_contain_text("Visible to: PSW network members only")
    scan(page)

    run_worker(live_app)
    page.goto("/search?q=supervision+audit")
    result = page.locator("#results li").filter(has_text="Quarterly PSW supervision audit")
    expect(result).to_contain_text("Visible to: PSW network members only")
    scan(page)

    with browser_context(browser, live_portal, javascript=javascript) as outsider_context:
        outsider = outsider_context.new_page()
        sign_in_with_session(
            outsider,
            live_app,
            portal_url=live_portal,
            subject="outsider",
            name="Owen Outsider",
            email="owen@leeds.gov.uk",
        )
        scan(outsider)
        outsider.goto("/search?q=supervision+audit")
        expect(outsider.locator("#result-count")).to_have_text("0 results for “supervision audit”")
        scan(outsider)
        outsider.goto("/resources")
        expect(outsider.locator("#resources")).not_to_contain_text("PSW")
        scan(outsider)
        response = outsider.goto(resource_url)
        assert response is not None and response.status == 404
        scan(outsider)
        response = outsider.goto("/groups/psw-network")
        assert response is not None and response.status == 404
        scan(outsider)


def test_a_resource_being_written_survives_a_closed_tab(
    journey_context: BrowserContext, live_portal: str, live_app: FastAPI, javascript: bool
) -> None:
    """With JavaScript the form saves itself in the background (here on a change); without
    it, a refused submit saves the draft. Either way the closed tab loses nothing."""
    page = journey_context.new_page()
    sign_in_with_session(page, live_app, portal_url=live_portal, name="Wren Writer")
    scan(page)
    page.goto("/resources/new")
    scan(page)
    page.get_by_label("Title").fill("Life story work with adopted children")
    if javascript:
        page.get_by_label("Summary").fill("Practical ideas.")
        page.get_by_label("Summary").blur()
        expect(page.locator("#draft-status")).to_contain_text("Draft saved at")
    else:
        page.get_by_role("button", name="Add to the library").click()
        expect(page.get_by_role("alert")).to_contain_text("Enter the summary")
        expect(page.locator("#draft-status")).to_contain_text("Saved as a draft")
        scan(page)
    page.close()

    page = journey_context.new_page()
    page.goto("/drafts")
    scan(page)
    page.get_by_role("link", name="Life story work with adopted children").click()
    expect(page.get_by_label("Title")).to_have_value("Life story work with adopted children")
    scan(page)
    page.get_by_label("Summary").fill("Practical ideas for life story work.")
    page.get_by_label("Type").select_option(label="Practice guide")
    page.get_by_label("Files").set_input_files(text_file("life-story.txt", "Ideas"))
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Life story work with adopted children"
    )
    scan(page)
    page.goto("/drafts")
    expect(page.locator("#drafts")).to_have_text("You have no drafts.")


def test_a_reply_being_written_survives_a_closed_tab(
    journey_context: BrowserContext, live_portal: str, live_app: FastAPI, javascript: bool
) -> None:
    page = journey_context.new_page()
    member_id = sign_in_with_session(page, live_app, portal_url=live_portal, name="Wren Writer")
    scan(page)
    thread_id, _ = add_thread(live_app, member_id, "Supervision in the first year", "How often?")
    page.goto(f"/discussions/t/{thread_id}/reply")
    scan(page)
    page.get_by_label("Your reply").fill("Fortnightly, protected time.")
    if javascript:
        page.get_by_label("Your reply").blur()
        expect(page.locator("#draft-status")).to_contain_text("Draft saved at")
    else:
        page.get_by_role("button", name="Preview").click()
        expect(page.locator("#draft-status")).to_contain_text("Saved as a draft")
        scan(page)
    page.close()

    page = journey_context.new_page()
    page.goto("/drafts")
    scan(page)
    page.get_by_role("link", name="Reply to “Supervision in the first year”").click()
    expect(page.get_by_label("Your reply")).to_have_value("Fortnightly, protected time.")
    scan(page)
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#main-content")).to_contain_text("Fortnightly, protected time.")
    scan(page)
    page.goto("/drafts")
    expect(page.locator("#drafts")).to_have_text("You have no drafts.")
