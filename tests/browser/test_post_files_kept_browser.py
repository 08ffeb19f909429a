"""A member's chosen image survives a refused reply in a real browser, with JavaScript on
and off: choose an image, post without describing it, see it "already attached", describe
it, post, see it inline; then edit the post and remove it. Each page is scanned by axe-core
(WCAG 2.2 A/AA) at 1280 and 375 px."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from app.db import transaction
from app.discussions import service as discussion_service
from app.discussions.models import Category, PostAttachment
from app.discussions.schemas import ThreadCreate
from app.discussions.seed import seed_discussions
from app.members.models import Member
from tests.browser.journeys import browser_context, open_as, scan
from tests.browser.test_journeys import add_member
from tests.support.files import png_image

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("partner_organisations")]

ALT_TEXT = "An ecomap: the young person in the middle, school and football club around"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_chosen_image_is_kept_through_an_error_then_posted_and_removed(
    browser: Browser, live_portal: str, live_app: FastAPI, javascript: bool
) -> None:
    member_id = add_member(live_app, f"Kim Keeper {'js' if javascript else 'nojs'}")
    with transaction(live_app.state.session_factory) as db:
        seed_discussions(db)
        category_id = db.execute(
            select(Category.id).where(Category.slug == "practice-questions")
        ).scalar_one()
        thread_id = discussion_service.start_thread(
            db,
            actor=db.get_one(Member, member_id),
            data=ThreadCreate(
                category_id=category_id,
                title="Ecomaps with teenagers",
                body="How do you draw them together?",
            ),
        ).id

    with browser_context(browser, live_portal, javascript=javascript) as context:
        page = open_as(context, live_app, live_portal, member_id)
        page.goto(f"/discussions/t/{thread_id}/reply")
        page.get_by_label("Your reply").fill("This is the one we use.")
        page.get_by_label("File 1", exact=True).set_input_files(
            files=[{"name": "ecomap.png", "mimeType": "image/png", "buffer": png_image()}]
        )
        with page.expect_response(f"**/discussions/t/{thread_id}/reply") as posted:
            page.get_by_role("button", name="Post reply").click()
        assert posted.value.status == 422
        expect(page.get_by_role("alert")).to_contain_text("Describe the image “ecomap.png”")
        expect(page.get_by_text("File 1, already attached: ecomap.png")).to_be_visible()
        expect(page.get_by_label("Remove ecomap.png")).not_to_be_checked()
        expect(page.get_by_label("Your reply")).to_have_value("This is the one we use.")
        scan(page)

        # nothing is chosen again: the kept file goes with the description
        page.get_by_label("If ecomap.png is an image, describe it").fill(ALT_TEXT)
        page.get_by_role("button", name="Post reply").click()
        image = page.get_by_role("img", name=ALT_TEXT)
        expect(image).to_be_visible()
        assert image.evaluate("element => element.complete && element.naturalWidth > 0")
        source = image.get_attribute("src")
        assert source is not None
        scan(page)

        page.get_by_role("link", name="Edit reply 1").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Edit your post")
        scan(page)
        page.get_by_label("Remove ecomap.png").check()
        page.get_by_role("button", name="Save changes").click()
        expect(page.get_by_text("This is the one we use.")).to_be_visible()
        expect(page.get_by_role("img", name=ALT_TEXT)).to_have_count(0)
        assert page.request.get(source).status == 404

    attachment_id = source.rsplit("/", 1)[-1]
    with transaction(live_app.state.session_factory) as db:
        assert db.get(PostAttachment, attachment_id) is None
