"""In a real browser, posts full of XSS payloads run no script: no dialog, no marker set,
no handler attribute or script element inside a post, and no CSP violation reported (which
would mean the sanitizer let something through and only the CSP stopped it)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from playwright.sync_api import ConsoleMessage, Dialog, Page

from app.db import transaction
from app.discussions.markdown import render_markdown
from app.discussions.models import Post, Thread
from app.discussions.seed import seed_discussions
from tests.browser.conftest import sign_in_with_session
from tests.browser.test_accessibility import own_member_id

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("partner_organisations")]

PAYLOADS = [
    "<script>window.__xss = 1; alert(1)</script>",
    '<img src=x onerror="window.__xss = 2; alert(2)">',
    '<svg onload="window.__xss = 3"></svg>',
    "[click](javascript:window.__xss=4)",
    "[data](data:text/html,<script>alert(5)</script>)",
    '<a href="javascript:window.__xss=6">raw</a>',
    '<iframe srcdoc="<script>parent.__xss=7</script>"></iframe>',
    "<<script>script>window.__xss=8<</script>/script>",
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=9">',
    '"><img src=x onerror=window.__xss=10>',
    "&#60;script&#62;window.__xss=11&#60;/script&#62;",
]


def test_no_script_runs_from_posts(page: Page, live_portal: str, live_app: FastAPI) -> None:
    dialogs: list[str] = []
    console: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        console.append(message.text)

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    sign_in_with_session(page, live_app, portal_url=live_portal)
    member_id = own_member_id(page)
    from sqlalchemy import select

    from app.discussions.models import Category

    with transaction(live_app.state.session_factory) as db:
        seed_discussions(db)
        db.flush()
        category = db.execute(select(Category)).scalars().first()
        assert category is not None
        thread = Thread(
            category_id=category.id,
            author_id=member_id,
            title="<script>window.__xss = 99</script>",
            last_post_number=len(PAYLOADS),
            reply_count=len(PAYLOADS) - 1,
        )
        db.add(thread)
        db.flush()
        db.add_all(
            Post(
                thread_id=thread.id,
                number=number,
                author_id=member_id,
                body_markdown=payload,
                body_html=render_markdown(payload),
            )
            for number, payload in enumerate(PAYLOADS, start=1)
        )
        thread_id = thread.id

    page.goto(f"/discussions/t/{thread_id}")
    for link in page.locator(".portal-post-body a").all():
        link.click(modifiers=["Control"], no_wait_after=True)
    page.goto(f"/discussions/t/{thread_id}/reply")
    page.get_by_label("Your reply").fill("\n\n".join(PAYLOADS))
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state("load")

    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert not [text for text in console if "Content Security Policy" in text], console
    planted = ", ".join(f".portal-post-body {tag}" for tag in ("script", "svg", "img", "iframe"))
    assert page.locator(planted).count() == 0
    handlers = page.evaluate(
        "[...document.querySelectorAll('.portal-post-body *')].flatMap("
        "el => [...el.attributes].map(a => a.name)).filter(n => n.startsWith('on'))"
    )
    assert handlers == []
    hrefs = page.evaluate(
        "[...document.querySelectorAll('.portal-post-body a')].map(a => a.protocol)"
    )
    assert set(hrefs) <= {"http:", "https:", "mailto:"}
    page.goto(f"/discussions/t/{thread_id}")
    assert page.evaluate("window.__xss") is None
    assert page.get_by_role("heading", level=1).inner_text() == "<script>window.__xss = 99</script>"
