"""A member attaches an image with alt text to a reply in a real browser and sees it in the
thread; the compose form's missing-alt-text error and the thread page pass the axe scan at
desktop (1280 px) and phone (375 px) widths."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.db import transaction
from app.discussions import service as discussion_service
from app.discussions.models import Category
from app.discussions.schemas import ThreadCreate
from app.discussions.seed import seed_discussions
from app.members.models import Member
from tests.browser.conftest import assert_no_axe_violations, sign_in_with_session
from tests.support.files import png_image

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("partner_organisations")]

WIDTHS = (1280, 375)


def test_a_reply_with_an_image_shows_it_inline_with_its_alt_text(
    page: Page, live_portal: str, live_app: FastAPI
) -> None:
    member_id = sign_in_with_session(page, live_app, portal_url=live_portal)
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

    page.goto(f"/discussions/t/{thread_id}/reply")
    page.get_by_label("Your reply").fill("This is the one we use.")
    page.get_by_label("File 1", exact=True).set_input_files(
        files=[{"name": "ecomap.png", "mimeType": "image/png", "buffer": png_image()}]
    )
    with page.expect_response(f"**/discussions/t/{thread_id}/reply**") as posted:
        page.get_by_role("button", name="Post reply").click()
    assert posted.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Describe the image “ecomap.png”")
    expect(page.get_by_label("Your reply")).to_have_value("This is the one we use.")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_axe_violations(page)

    # the chosen file is kept ("already attached"): only its description is missing
    page.get_by_label("If ecomap.png is an image, describe it").fill(
        "An ecomap: the young person in the middle, school and football club around"
    )
    page.get_by_role("button", name="Post reply").click()
    image = page.get_by_role(
        "img", name="An ecomap: the young person in the middle, school and football club around"
    )
    expect(image).to_be_visible()
    assert image.evaluate("element => element.complete && element.naturalWidth > 0")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_axe_violations(page)
