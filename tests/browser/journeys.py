"""Helpers shared by the journey tests (tests/browser/test_journeys.py): a browser context
with or without JavaScript, signing a member in with the session cookie sign-in sets, and
the accessibility scan at a desktop and a phone width."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page

from app.security.sessions import session_cookie_name
from tests.browser.conftest import assert_no_axe_violations
from tests.support.sessions import start_member_session

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@contextmanager
def browser_context(
    browser: Browser, portal_url: str, *, javascript: bool
) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=portal_url, java_script_enabled=javascript, viewport=DESKTOP
    )
    context.set_default_timeout(15_000)
    context.set_default_navigation_timeout(15_000)
    try:
        yield context
    finally:
        context.close()


def open_as(context: BrowserContext, app: FastAPI, portal_url: str, member_id: str) -> Page:
    """A page signed in as an existing member (the session sign-in would start)."""
    token = start_member_session(app, member_id)
    context.add_cookies(
        [
            {
                "name": session_cookie_name(app.state.settings),
                "value": token,
                "url": portal_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    return context.new_page()


def scan(page: Page, *, javascript: bool = True) -> None:
    """axe-core's WCAG 2.2 A/AA rules on the page as it is, at 1280 and at 375 px wide.

    axe is a script, and a page without JavaScript runs none (its promise never settles):
    that page's HTML, scripts removed, is scanned in a twin page that may run axe, at the
    same address so its stylesheet and images load from the portal."""
    target = page if javascript else _twin_without_scripts(page)
    try:
        for viewport in (DESKTOP, PHONE):
            target.set_viewport_size(viewport)
            assert_no_axe_violations(target)
    finally:
        if target is not page:
            target.context.close()
    page.set_viewport_size(DESKTOP)


def _twin_without_scripts(page: Page) -> Page:
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.S | re.I)
    browser = page.context.browser
    assert browser is not None
    twin = browser.new_context(viewport=DESKTOP).new_page()
    twin.route(page.url, lambda route: route.fulfill(body=html, content_type="text/html"))
    twin.goto(page.url)
    return twin
