"""Sign-in through real OpenID providers, and every way it must be refused."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import OidcProviderConfig, Settings
from app.devstack import RunningService, free_port
from app.main import create_app
from app.members.models import Member, MemberIdentity, Organisation
from app.security.models import WebSession
from app.security.sessions import SESSION_COOKIE
from tests.conftest import seed_reference_data
from tests.support.database import count_rows
from tests.support.flows import (
    authorize_at_provider,
    csrf_token,
    follow_callback,
    sign_in,
    start_login,
)
from tests.support.hostile_idp import HostileIdentityProvider

# Sign-in is the subject here: every test runs with both development providers up (the
# sign-in page asks each for its discovery document).
pytestmark = pytest.mark.usefixtures("oidc_primary", "oidc_secondary")


def session_count(db: Session) -> int:
    return count_rows(db, WebSession)


def test_sign_in_page_shows_one_button_per_provider(client: TestClient) -> None:
    page = client.get("/auth/sign-in")
    assert page.status_code == 200
    assert 'href="/auth/leeds/login?next=/"' in page.text
    assert 'href="/auth/york-uni/login?next=/"' in page.text
    assert "Sign in with Leeds City Council" in page.text
    assert "Sign in with University of York" in page.text


def test_authorization_request_uses_pkce_state_and_nonce(client: TestClient) -> None:
    query = parse_qs(urlsplit(start_login(client, "leeds")).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == ["http://testserver/auth/leeds/callback"]
    assert set(query["scope"][0].split()) >= {"openid", "email", "profile"}


def test_sign_in_creates_member_and_reaches_home(
    client: TestClient, db: Session, oidc_primary: RunningService
) -> None:
    response = sign_in(
        client,
        provider_url=oidc_primary.url,
        subject="sam-lee",
        claims={"name": "Sam Lee", "email": "Sam.Lee@leeds.gov.uk", "email_verified": True},
    )
    # a first sign-in asks a few questions first (tests/test_journeys.py), then goes home
    assert response.headers["location"] == "/welcome?next=%2F"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    home = client.get("/")
    assert home.status_code == 200
    assert "Welcome, Sam Lee" in home.text
    assert "Leeds City Council" in home.text

    member = db.execute(select(Member)).scalar_one()
    identity = db.execute(select(MemberIdentity)).scalar_one()
    assert member.email == "sam.lee@leeds.gov.uk"
    assert identity.issuer == oidc_primary.url and identity.subject == "sam-lee"
    organisation = db.get_one(Organisation, member.organisation_id)
    assert organisation.name == "Leeds City Council"


def test_returning_member_is_matched_by_issuer_and_subject_not_email(
    client: TestClient, db: Session, oidc_primary: RunningService, oidc_secondary: RunningService
) -> None:
    sign_in(client, provider_url=oidc_primary.url, subject="kim", claims={"email": "kim@x.org"})
    client.cookies.clear()
    sign_in(client, provider_url=oidc_primary.url, subject="kim", claims={"email": "new@x.org"})
    assert count_rows(db, Member) == 1

    other = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    waiting = sign_in(
        other,
        provider="york-uni",
        provider_url=oidc_secondary.url,
        subject="kim",
        claims={"email": "kim@x.org"},
        expect_status=403,
    )
    assert "Another member already uses your e-mail address" in waiting.text
    assert count_rows(db, Member) == 2
    first, second = db.execute(select(Member).order_by(Member.joined_at)).scalars()
    assert second.status == "pending" and second.duplicate_of_id == first.id


def test_two_providers_at_once_both_sign_in(
    client: TestClient, oidc_primary: RunningService, oidc_secondary: RunningService
) -> None:
    leeds = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    york = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    sign_in(leeds, provider_url=oidc_primary.url, subject="lee", claims={"name": "Lee Ds"})
    sign_in(
        york,
        provider="york-uni",
        provider_url=oidc_secondary.url,
        subject="yo",
        claims={"name": "Yor K"},
    )
    assert "Welcome, Lee Ds" in leeds.get("/").text
    assert "Welcome, Yor K" in york.get("/").text


def test_sign_in_returns_to_the_page_asked_for(
    client: TestClient, oidc_primary: RunningService
) -> None:
    redirect = client.get("/api/v1/me?x=1".replace("/api/v1/me", "/"), params={"tab": "new"})
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/auth/sign-in?next=%2F%3Ftab%3Dnew"
    callback = authorize_at_provider(start_login(client, "leeds", "/?tab=new"), "ret")
    location = follow_callback(client, callback).headers["location"]
    assert location == "/welcome?next=%2F%3Ftab%3Dnew"  # first sign-in: the questions first
    assert (
        client.post(
            "/welcome/skip", data={"csrftoken": csrf_token(client), "next": "/?tab=new"}
        ).headers["location"]
        == "/?tab=new"
    )


def test_open_redirect_after_sign_in_is_refused(
    client: TestClient, oidc_primary: RunningService
) -> None:
    callback = authorize_at_provider(start_login(client, "leeds", "//evil.example/x"), "ret")
    assert follow_callback(client, callback).headers["location"] == "/welcome?next=%2F"
    skipped = client.post(
        "/welcome/skip", data={"csrftoken": csrf_token(client), "next": "//evil.example/x"}
    )
    assert skipped.headers["location"] == "/"


def test_wrong_state_is_refused(
    client: TestClient, db: Session, oidc_primary: RunningService
) -> None:
    callback = authorize_at_provider(start_login(client, "leeds"), "mallory")
    tampered = callback.replace("state=", "state=x")
    response = follow_callback(client, tampered)
    assert response.status_code == 400
    assert "wrong or expired state" in response.text
    assert SESSION_COOKIE not in client.cookies
    assert session_count(db) == 0


def test_callback_from_another_browser_is_refused(
    client: TestClient, db: Session, oidc_primary: RunningService
) -> None:
    callback = authorize_at_provider(start_login(client, "leeds"), "victim")
    stranger = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    response = follow_callback(stranger, callback)
    assert response.status_code == 400
    assert "wrong or expired state" in response.text
    assert session_count(db) == 0


def test_replayed_callback_is_refused(
    client: TestClient, db: Session, oidc_primary: RunningService
) -> None:
    callback = authorize_at_provider(start_login(client, "leeds"), "replay")
    assert follow_callback(client, callback).status_code == 303
    client.cookies.clear()
    replay = follow_callback(client, callback)
    assert replay.status_code == 400
    assert SESSION_COOKIE not in client.cookies
    assert session_count(db) == 1


def test_replayed_code_with_a_fresh_state_is_refused(
    client: TestClient, db: Session, oidc_primary: RunningService
) -> None:
    """An old authorization code pasted into a new sign-in: the provider refuses it (it was
    used, and it is bound to another PKCE verifier)."""
    first = authorize_at_provider(start_login(client, "leeds"), "replay2")
    assert follow_callback(client, first).status_code == 303
    used_code = parse_qs(urlsplit(first).query)["code"][0]
    client.cookies.clear()
    second = authorize_at_provider(start_login(client, "leeds"), "replay2")
    fresh_state = parse_qs(urlsplit(second).query)["state"][0]
    response = client.get("/auth/leeds/callback", params={"code": used_code, "state": fresh_state})
    assert response.status_code == 400
    assert "refused to complete the sign-in" in response.text
    assert SESSION_COOKIE not in client.cookies
    assert session_count(db) == 1


def test_provider_error_is_reported(client: TestClient, oidc_primary: RunningService) -> None:
    authorization_url = start_login(client, "leeds")
    denied = httpx.post(authorization_url, data={"action": "deny"}, follow_redirects=False)
    response = follow_callback(client, denied.headers["location"])
    assert response.status_code == 400
    assert "did not sign you in (access_denied" in response.text


def test_unknown_provider_is_refused(client: TestClient, db: Session) -> None:
    for path in ("/auth/nosuch/login", "/auth/nosuch/callback?code=a&state=b"):
        response = client.get(path)
        assert response.status_code == 404
        assert "no identity provider by that name" in response.text
    assert session_count(db) == 0


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("wrong_nonce", "nonce mismatch"),
        ("wrong_audience", "meant for another application"),
        ("wrong_issuer", "unexpected issuer"),
        ("expired", "has expired"),
        ("bad_signature", "failed its signature check"),
    ],
)
def test_bad_id_tokens_are_refused(
    client: TestClient,
    db: Session,
    hostile_idp: HostileIdentityProvider,
    mode: str,
    message: str,
) -> None:
    hostile_idp.mode = mode
    try:
        authorize = httpx.get(start_login(client, "hostile"), follow_redirects=False)
        response = follow_callback(client, authorize.headers["location"])
    finally:
        hostile_idp.mode = "ok"
    assert response.status_code == 400
    assert message in response.text
    assert SESSION_COOKIE not in client.cookies
    assert session_count(db) == 0
    assert count_rows(db, Member) == 0


def test_well_behaved_hostile_provider_signs_in(
    client: TestClient, hostile_idp: HostileIdentityProvider
) -> None:
    """The control for the refusals above: the same provider with correct tokens works."""
    authorize = httpx.get(start_login(client, "hostile"), follow_redirects=False)
    assert follow_callback(client, authorize.headers["location"]).status_code == 303
    assert client.get("/").status_code == 200


def test_sign_out_revokes_the_session_server_side(
    client: TestClient, db: Session, oidc_primary: RunningService
) -> None:
    sign_in(client, provider_url=oidc_primary.url, subject="leaver")
    old_cookie = client.cookies[SESSION_COOKIE]
    response = client.post("/auth/sign-out", data={"csrftoken": csrf_token(client)})
    assert response.status_code == 303
    end_session = urlsplit(response.headers["location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == oidc_primary.url
    assert end_session.path == "/oauth2/end_session"
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/auth/signed-out"]
    assert "id_token_hint" in query
    assert db.execute(select(WebSession.revoked_at)).scalar_one() is not None

    replayed = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    replayed.cookies.set(SESSION_COOKIE, old_cookie)
    assert replayed.get("/").status_code == 303
    assert replayed.get("/api/v1/me").status_code == 401


def test_sign_out_without_provider_logout_lands_on_signed_out_page(
    client: TestClient, hostile_idp: HostileIdentityProvider
) -> None:
    authorize = httpx.get(start_login(client, "hostile"), follow_redirects=False)
    follow_callback(client, authorize.headers["location"])
    response = client.post("/auth/sign-out", data={"csrftoken": csrf_token(client)})
    assert response.headers["location"] == "/auth/signed-out"
    assert "You have signed out" in client.get("/auth/signed-out").text


def test_sign_in_issues_a_new_session_id(
    client: TestClient, db: Session, oidc_primary: RunningService
) -> None:
    sign_in(client, provider_url=oidc_primary.url, subject="fixation")
    first = client.cookies[SESSION_COOKIE]
    sign_in(client, provider_url=oidc_primary.url, subject="fixation")
    second = client.cookies[SESSION_COOKIE]
    assert first != second
    revoked = db.execute(select(WebSession).where(WebSession.revoked_at.is_not(None))).scalars()
    assert len(list(revoked)) == 1


def test_unreachable_provider_does_not_stop_the_portal(
    settings: Settings, oidc_primary: RunningService
) -> None:
    unreachable = OidcProviderConfig(
        name="offline",
        label="Offline Council",
        issuer=f"http://127.0.0.1:{free_port()}",
        client_id="x",
        client_secret=SecretStr("y"),
    )
    app = create_app(
        settings.model_copy(update={"oidc_providers": [*settings.oidc_providers, unreachable]})
    )
    seed_reference_data(app)
    client = TestClient(app, base_url="http://testserver", follow_redirects=False)
    page = client.get("/auth/sign-in")
    assert page.status_code == 200
    assert "Sign in with Offline Council" in page.text
    assert "Offline Council cannot be reached" in page.text
    assert page.text.count("Not available") == 1

    refused = client.get("/auth/offline/login")
    assert refused.status_code == 503
    assert "Offline Council cannot be reached" in refused.text

    assert sign_in(client, provider_url=oidc_primary.url, subject="still-works").status_code == 303
