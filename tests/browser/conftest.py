"""A real portal on a free port, driven by Debian's chromium through Playwright.

The TestClient fixtures in tests/conftest.py never open a socket; a browser needs one, so
``live_portal`` serves its own app (same database, Meilisearch and providers) with uvicorn
in a background thread.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pydantic import SecretStr

from app.config import PROJECT_ROOT, Settings
from app.devstack import RunningService, free_port
from app.main import create_app
from app.search.sync import enqueue_sync
from app.security.sessions import session_cookie_name
from tests.conftest import MEILI_TEST_KEY, provider_configs, seed_reference_data
from tests.support.database import delete_all_rows
from tests.support.factories import make_member
from tests.support.flows import set_provider_claims
from tests.support.hostile_idp import HostileIdentityProvider
from tests.support.providers import SESSION_APPS, ReservedPort
from tests.support.sessions import start_member_session

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = PROJECT_ROOT / "node_modules/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def live_app(
    tmp_root: Path,
    database_url: str,
    meilisearch: RunningService,
    oidc_primary_port: ReservedPort,
    oidc_secondary_port: ReservedPort,
    hostile_idp: HostileIdentityProvider,
) -> FastAPI:
    settings = Settings(
        env="test",
        secret_key=SecretStr("test-secret-key-that-is-long-enough-0123"),
        base_url=f"http://127.0.0.1:{free_port()}",
        data_dir=tmp_root,
        database_url=database_url,
        meili_url=meilisearch.url,
        meili_master_key=SecretStr(MEILI_TEST_KEY),
        meili_index_prefix=f"browser{uuid.uuid4().hex[:6]}",
        page_cache_seconds=60,  # as in production: the journeys must never see a stale page
        oidc_providers=provider_configs(
            oidc_primary_port.url, oidc_secondary_port.url, hostile_idp
        ),
        _env_file=None,  # type: ignore[call-arg]
    )
    made = create_app(settings)
    SESSION_APPS.append(made)
    return made


@pytest.fixture(scope="session")
def live_portal(live_app: FastAPI) -> Iterator[str]:
    """The base URL of the portal, served over real HTTP for the browser."""
    base_url: str = live_app.state.settings.base_url
    port = int(base_url.rsplit(":", 1)[1])
    server = uvicorn.Server(
        uvicorn.Config(live_app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="live-portal", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the portal did not start on {base_url}")
        time.sleep(0.02)
    yield base_url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(autouse=True)
def _empty_live_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "live_app" in request.fixturenames:
        delete_all_rows(request.getfixturevalue("live_app").state.engine)


@pytest.fixture
def partner_organisations(live_app: FastAPI) -> None:
    seed_reference_data(live_app)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, live_portal: str) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_portal)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def sign_in_as(
    page: Page,
    *,
    portal_url: str,
    provider_url: str,
    subject: str = "ruth-ellis",
    claims: dict[str, object] | None = None,
) -> None:
    """Sign in the way a member does: the Leeds button, then the provider's form."""
    set_provider_claims(
        provider_url, subject, claims or {"name": "Ruth Ellis", "email": "ruth@leeds.gov.uk"}
    )
    page.goto("/auth/sign-in")
    page.get_by_role("button", name="Sign in with Leeds City Council").click()
    page.wait_for_url(f"{provider_url}/**")
    page.fill("input[name=sub]", subject)
    page.get_by_role("button", name="Authorize", exact=True).click()
    # home, or first the first sign-in's questions (/welcome?next=%2F)
    page.wait_for_url(lambda url: url in (f"{portal_url}/", f"{portal_url}/welcome?next=%2F"))


def sign_in_with_session(
    page: Page,
    live_app: FastAPI,
    *,
    portal_url: str,
    subject: str = "ruth-ellis",
    name: str = "Ruth Ellis",
    email: str = "ruth@leeds.gov.uk",
) -> str:
    """Ruth Ellis of Leeds, as her first sign-in would admit her (and queue her for the
    search index), with the session sign-in starts, on the home page; returns her id.
    For pages that are not about sign-in: sign_in_as goes through the provider."""
    leeds = live_app.state.identity_providers.get("leeds")
    with live_app.state.session_factory() as db:
        member = make_member(db, name=name, issuer=leeds.issuer, subject=subject, email=email)
        member_id = member.id
        enqueue_sync(db, kind="member", id=member_id)
        db.commit()
    token = start_member_session(live_app, member_id)
    page.context.add_cookies(
        [
            {
                "name": session_cookie_name(live_app.state.settings),
                "value": token,
                "url": portal_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    page.goto("/")
    return member_id


@cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now.

    axe is evaluated through DevTools rather than added as a <script>: the portal's CSP
    (script-src 'self' 'nonce-…') rightly refuses a script tag it did not issue.
    """
    page.evaluate(_axe_source())
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return result["violations"]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {json.dumps(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe found problems on {page.url}:\n" + describe_violations(violations)
