"""Signing in and out in a real browser, with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from app.devstack import RunningService
from app.security.sessions import SESSION_COOKIE
from tests.browser.conftest import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("partner_organisations")]


def test_anonymous_visitor_is_sent_to_sign_in(page: Page, live_portal: str) -> None:
    page.goto("/")
    assert "/auth/sign-in" in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_member_signs_in_and_sees_their_name(
    page: Page, live_portal: str, oidc_primary: RunningService
) -> None:
    sign_in_as(page, portal_url=live_portal, provider_url=oidc_primary.url)

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ruth Ellis")
    expect(page.get_by_role("status")).to_contain_text("Signed in as Ruth Ellis.")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_sign_out_ends_the_session_here_and_at_the_provider(
    page: Page, live_portal: str, oidc_primary: RunningService
) -> None:
    sign_in_as(page, portal_url=live_portal, provider_url=oidc_primary.url)
    cookies_while_signed_in = page.context.cookies()
    assert SESSION_COOKIE in {cookie["name"] for cookie in cookies_while_signed_in}

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{oidc_primary.url}/oauth2/end_session?**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{live_portal}/auth/signed-out")
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")

    page.goto("/")
    assert "/auth/sign-in" in page.url

    # The old session cookie, replayed, must not work: the session ended on the server.
    page.context.add_cookies(cookies_while_signed_in)  # type: ignore[arg-type]
    page.goto("/")
    assert "/auth/sign-in" in page.url


def test_sign_in_and_out_work_without_javascript(
    browser: Browser, live_portal: str, oidc_primary: RunningService
) -> None:
    context = browser.new_context(base_url=live_portal, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in_as(page, portal_url=live_portal, provider_url=oidc_primary.url)

        expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ruth Ellis")
        assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")

        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{oidc_primary.url}/oauth2/end_session?**")
        page.goto("/")
        assert "/auth/sign-in" in page.url
    finally:
        context.close()


def collect_csp_messages(page: Page) -> list[str]:
    """Console messages in which Chromium reports something the CSP refused."""
    messages: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            messages.append(message.text)

    page.on("console", on_console)
    return messages


def test_home_page_raises_no_content_security_policy_errors(
    page: Page, live_portal: str, oidc_primary: RunningService
) -> None:
    csp_messages = collect_csp_messages(page)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))

    sign_in_as(page, portal_url=live_portal, provider_url=oidc_primary.url)
    page.reload(wait_until="networkidle")

    assert csp_messages == []
    assert script_errors == []
    # The nonce'd inline script ran, so GOV.UK Frontend's JavaScript was allowed to start.
    expect(page.locator("body")).to_have_class(
        "govuk-template__body js-enabled govuk-frontend-supported"
    )


def test_csp_listener_notices_a_refused_script(page: Page, live_portal: str) -> None:
    """Guards the test above: a script without the nonce must be refused and reported."""
    csp_messages = collect_csp_messages(page)
    page.goto("/auth/sign-in")

    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            "const script = document.createElement('script');"
            "script.textContent = 'window.plantedScriptRan = true';"
            "document.body.append(script);"
        )

    assert page.evaluate("window.plantedScriptRan") is None
    assert len(csp_messages) == 1
