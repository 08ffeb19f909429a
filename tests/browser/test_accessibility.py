"""axe-core scans (WCAG 2.2 AA rules) of every page a member can reach.

To scan a new page, add it to PAGES_TO_SCAN.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from app.devstack import RunningService
from tests.browser.conftest import assert_no_axe_violations, axe_violations, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("partner_organisations")]


@dataclass(frozen=True)
class PageToScan:
    path: str
    signed_in: bool
    status: int = 200


PAGES_TO_SCAN = [
    PageToScan("/auth/sign-in", signed_in=False),
    PageToScan("/auth/no-such-provider/login", signed_in=False, status=404),
    PageToScan("/auth/signed-out", signed_in=False),
    PageToScan("/", signed_in=True),
    PageToScan("/no-such-page", signed_in=True, status=404),
]


@pytest.mark.parametrize("target", PAGES_TO_SCAN, ids=lambda target: target.path)
def test_page_has_no_axe_violations(
    target: PageToScan, page: Page, live_portal: str, oidc_primary: RunningService
) -> None:
    if target.signed_in:
        sign_in_as(page, portal_url=live_portal, provider_url=oidc_primary.url)

    response = page.goto(target.path)

    assert response is not None and response.status == target.status
    assert urlsplit(page.url).path == target.path
    assert_no_axe_violations(page)


def test_home_page_with_the_signed_in_banner_has_no_axe_violations(
    page: Page, live_portal: str, oidc_primary: RunningService
) -> None:
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
