"""Real services for the whole suite: a Meilisearch process, two development OpenID
providers (oidc-provider-mock, started only for tests that sign in through them; see
tests/support/providers.py) and a misbehaving one, and a database built by migrations
(SQLite, or PostgreSQL when PORTAL_TEST_DATABASE_URL is set). Each test starts from
empty tables."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.config import OidcProviderConfig, Settings
from app.db import make_engine, make_session_factory, transaction
from app.devstack import RunningService, free_port, start_meilisearch
from app.main import create_app
from app.members.models import Organisation, OrganisationKind
from app.members.reference_data import ensure_partner_organisations
from app.topics.reference_data import ensure_topics
from tests.support.database import delete_all_rows, fresh_database, upgrade_to_head
from tests.support.hostile_idp import HostileIdentityProvider
from tests.support.providers import SESSION_APPS, ReservedPort, started_provider
from tests.support.smtp import SmtpSink

pytest_plugins = ["tests.support.portal"]

MEILI_TEST_KEY = "test-master-key-0123456789"


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("portal")


@pytest.fixture(scope="session")
def meilisearch(tmp_root: Path) -> Iterator[RunningService]:
    service = start_meilisearch(
        port=free_port(), data_dir=tmp_root / "meilisearch", master_key=MEILI_TEST_KEY
    )
    yield service
    service.stop()


@pytest.fixture(scope="session")
def oidc_primary_port() -> Iterator[ReservedPort]:
    port = ReservedPort()
    yield port
    port.release()


@pytest.fixture(scope="session")
def oidc_secondary_port() -> Iterator[ReservedPort]:
    port = ReservedPort()
    yield port
    port.release()


@pytest.fixture(scope="session")
def oidc_primary_url(oidc_primary_port: ReservedPort) -> str:
    """The Leeds provider's issuer, for members' identities; the provider may not run."""
    return oidc_primary_port.url


@pytest.fixture(scope="session")
def oidc_primary(tmp_root: Path, oidc_primary_port: ReservedPort) -> Iterator[RunningService]:
    """The Leeds provider, running: only for tests that sign in through it."""
    yield from started_provider(oidc_primary_port, tmp_root)


@pytest.fixture(scope="session")
def oidc_secondary(tmp_root: Path, oidc_secondary_port: ReservedPort) -> Iterator[RunningService]:
    """The University of York provider, running: only for tests that sign in through it."""
    yield from started_provider(oidc_secondary_port, tmp_root)


@pytest.fixture(scope="session")
def hostile_idp() -> Iterator[HostileIdentityProvider]:
    provider = HostileIdentityProvider(free_port())
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def mailbox(smtp_server: SmtpSink) -> SmtpSink:
    """The session's SMTP server, emptied for this test."""
    smtp_server.clear()
    return smtp_server


@pytest.fixture(scope="session")
def database_url(tmp_root: Path) -> Iterator[str]:
    with fresh_database(tmp_root) as url:
        upgrade_to_head(url)
        yield url


def provider_configs(
    primary_url: str, secondary_url: str, hostile: HostileIdentityProvider
) -> list[OidcProviderConfig]:
    return [
        OidcProviderConfig(
            name="leeds",
            label="Leeds City Council",
            issuer=primary_url,
            client_id="portal-leeds",
            client_secret=SecretStr("leeds-secret"),
            organisation="Leeds City Council",
        ),
        OidcProviderConfig(
            name="york-uni",
            label="University of York",
            issuer=secondary_url,
            client_id="portal-york",
            client_secret=SecretStr("york-secret"),
            organisation="University of York",
        ),
        OidcProviderConfig(
            name="hostile",
            label="Hostile test provider",
            issuer=hostile.issuer,
            client_id="portal-hostile",
            client_secret=SecretStr("hostile-secret"),
            organisation="Leeds City Council",
        ),
    ]


@pytest.fixture(scope="session")
def settings(
    tmp_root: Path,
    database_url: str,
    meilisearch: RunningService,
    oidc_primary_port: ReservedPort,
    oidc_secondary_port: ReservedPort,
    hostile_idp: HostileIdentityProvider,
    smtp_server: SmtpSink,
) -> Settings:
    """The providers are named by their reserved ports; they start when a test asks for
    them (oidc_primary, oidc_secondary), as discovery is only fetched when used."""
    return Settings(
        env="test",
        secret_key=SecretStr("test-secret-key-that-is-long-enough-0123"),
        base_url="http://testserver",
        data_dir=tmp_root,
        database_url=database_url,
        meili_url=meilisearch.url,
        meili_master_key=SecretStr(MEILI_TEST_KEY),
        meili_index_prefix=f"test{uuid.uuid4().hex[:6]}",
        oidc_providers=provider_configs(
            oidc_primary_port.url, oidc_secondary_port.url, hostile_idp
        ),
        smtp_port=smtp_server.port,
        mail_from="Partnership portal <portal@testserver>",
        # Tests that arrange a long list through the API start threads faster than a
        # member could; tests/test_rate_limits.py tests the limits themselves.
        rate_limits={"thread": "60/minute"},
        # Tests arrange organisations and topics directly in the database; the per-process
        # copy of them is tested with its own app in tests/test_reference_data_cache.py.
        reference_data_cache_seconds=0,
        # Statement counts and most tests read pages once; the page cache is tested with
        # its own app in tests/test_page_cache.py and is on in the browser journeys.
        page_cache_seconds=0,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture(scope="session")
def app(settings: Settings) -> FastAPI:
    made = create_app(settings)
    SESSION_APPS.append(made)
    return made


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if {"app", "settings", "database_url"} & set(request.fixturenames):
        session_app = request.getfixturevalue("app")
        delete_all_rows(session_app.state.engine)
        session_app.state.rate_limiter.reset()


def seed_reference_data(app: FastAPI) -> None:
    """What every installation has (partner authorities, topics), plus a partner
    university for the second provider."""
    with transaction(app.state.session_factory) as session:
        ensure_partner_organisations(session)
        ensure_topics(session)
        session.add(
            Organisation(
                name="University of York",
                slug="university-of-york",
                kind=OrganisationKind.UNIVERSITY,
                is_partner=True,
                email_domains=["york.ac.uk"],
            )
        )


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    seed_reference_data(app)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as test_client:
        # The start-up thread may queue a search rebuild (a write). A test session's deferred
        # read-then-write transaction racing it fails on SQLite ("database is locked"), so
        # tests start once it is done.
        started = app.state.search_settings_thread
        if started is not None:
            started.join(timeout=60)
        yield test_client


@pytest.fixture(scope="session")
def inspection_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url, immediate=False)
    yield engine
    engine.dispose()


@pytest.fixture
def db(app: FastAPI, inspection_engine: Engine) -> Iterator[Session]:
    """A session for arranging and inspecting data outside requests; committed by the test.

    Its transactions start deferred, so an open read never holds SQLite's write lock
    while the test's requests run; helpers call see_committed() before they read."""
    session = make_session_factory(inspection_engine)()
    yield session
    session.rollback()
    session.close()
