"""CSRF refusals, security headers, the body size limit, session timeouts and error pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import utcnow
from app.main import create_app
from app.members.models import Member, MemberStatus
from app.security.models import WebSession
from app.security.sessions import SESSION_COOKIE
from tests.conftest import seed_reference_data
from tests.support.flows import csrf_token
from tests.support.members import signed_in
from tests.support.sessions import sign_in_as_member


@pytest.fixture
def member_client(client: TestClient) -> TestClient:
    signed_in(client, subject="csrf-tester", name="Csrf-Tester")
    return client


def session_still_works(client: TestClient) -> bool:
    return client.get("/api/v1/me").status_code == 200


class TestCsrf:
    def test_post_without_token_is_refused(self, member_client: TestClient) -> None:
        csrf_token(member_client)
        response = member_client.post("/auth/sign-out", data={})
        assert response.status_code == 403
        assert "CSRF check failed" in response.text
        assert session_still_works(member_client)

    def test_post_with_wrong_token_is_refused(self, member_client: TestClient) -> None:
        csrf_token(member_client)
        response = member_client.post("/auth/sign-out", data={"csrftoken": "forged"})
        assert response.status_code == 403
        assert session_still_works(member_client)

    def test_token_from_another_browser_is_refused(
        self, member_client: TestClient, app: FastAPI
    ) -> None:
        csrf_token(member_client)
        other_browser = TestClient(app, base_url="http://testserver", follow_redirects=False)
        signed_in(other_browser, subject="someone-else", name="Someone-Else")
        response = member_client.post(
            "/auth/sign-out", data={"csrftoken": csrf_token(other_browser)}
        )
        assert response.status_code == 403
        assert session_still_works(member_client)

    def test_token_of_an_earlier_session_is_refused(self, member_client: TestClient) -> None:
        """The token is bound to the session: signing in again (a new session) retires it."""
        old_token = csrf_token(member_client)
        sign_in_as_member(member_client, member_client.get("/api/v1/me").json()["id"])
        assert csrf_token(member_client) != old_token
        response = member_client.post("/auth/sign-out", data={"csrftoken": old_token})
        assert response.status_code == 403
        assert session_still_works(member_client)

    def test_no_csrf_cookie_is_set(self, member_client: TestClient) -> None:
        response = member_client.get("/")
        assert "csrftoken" not in response.headers.get("set-cookie", "")

    def test_json_post_without_header_is_refused_with_problem(
        self, member_client: TestClient
    ) -> None:
        csrf_token(member_client)
        response = member_client.post("/api/v1/me", json={})
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"

    def test_header_token_is_accepted(self, member_client: TestClient) -> None:
        token = csrf_token(member_client)
        response = member_client.post("/auth/sign-out", headers={"X-CSRFToken": token})
        assert response.status_code == 303
        assert not session_still_works(member_client)

    def test_form_token_is_accepted(self, member_client: TestClient) -> None:
        home = member_client.get("/")
        token = re.search(r'name="csrftoken" value="([^"]+)"', home.text)
        assert token is not None
        response = member_client.post("/auth/sign-out", data={"csrftoken": token.group(1)})
        assert response.status_code == 303

    def test_multipart_form_token_is_checked_in_the_body(self, member_client: TestClient) -> None:
        """Multipart posts carry the token as their first field, like every other form;
        without it, or with a forged one, they are refused before the route runs."""
        upload = [("file", ("notes.txt", b"some notes", "text/plain"))]
        refused = member_client.post("/auth/sign-out", data={"csrftoken": "forged"}, files=upload)
        assert refused.status_code == 403
        assert "CSRF check failed" in refused.text
        assert member_client.post("/auth/sign-out", files=upload).status_code == 403
        assert session_still_works(member_client)
        accepted = member_client.post(
            "/auth/sign-out", data={"csrftoken": csrf_token(member_client)}, files=upload
        )
        assert accepted.status_code == 303
        assert not session_still_works(member_client)

    def test_a_token_in_the_address_is_not_accepted(self, member_client: TestClient) -> None:
        token = csrf_token(member_client)
        response = member_client.post(
            "/auth/sign-out",
            params={"csrftoken": token},
            files=[("file", ("notes.txt", b"some notes", "text/plain"))],
        )
        assert response.status_code == 403

    def test_visitor_without_a_session_is_not_checked(self, client: TestClient) -> None:
        """Nothing to ride on: the sign-in pages' forms work before there is a session."""
        response = client.post("/auth/sign-out", data={})
        assert response.status_code == 303


class TestHeaders:
    def test_csp_nonce_matches_the_page_scripts_and_changes(
        self, member_client: TestClient
    ) -> None:
        first, second = member_client.get("/"), member_client.get("/")
        nonce = re.search(r"'nonce-([^']+)'", first.headers["content-security-policy"])
        assert nonce is not None
        scripts = re.findall(r"<script[^>]*>", first.text)
        assert scripts and all(f'nonce="{nonce.group(1)}"' in tag for tag in scripts)
        assert nonce.group(1) not in second.headers["content-security-policy"]

    def test_policy_and_baseline_headers(self, client: TestClient, oidc_primary_url: str) -> None:
        headers = client.get("/auth/sign-in").headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "default-src 'self'" in csp and "object-src 'none'" in csp
        form_action = re.search(r"form-action ([^;]+)", csp)
        assert form_action is not None and oidc_primary_url in form_action.group(1)
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in headers

    def test_hsts_when_served_over_https(self, app: FastAPI) -> None:
        secure = TestClient(app, base_url="https://testserver")
        assert "max-age=" in secure.get("/healthz").headers["strict-transport-security"]


def test_body_over_the_limit_is_refused(settings: Settings) -> None:
    small = create_app(settings.model_copy(update={"max_request_bytes": 2048}))
    client = TestClient(small, base_url="http://testserver", follow_redirects=False)
    response = client.post("/auth/sign-out", content=b"x" * 4096)
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request body is larger")

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(4):
            yield b"y" * 1024

    client.cookies.set(SESSION_COOKIE, "any")  # makes the CSRF layer read the form body
    streamed = client.post(
        "/auth/sign-out",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413


class TestSessionLifetime:
    def test_idle_session_expires(self, member_client: TestClient, db: Session) -> None:
        db.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(hours=3)))
        db.commit()
        assert member_client.get("/").status_code == 303

    def test_absolute_lifetime_ends_session(self, member_client: TestClient, db: Session) -> None:
        db.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
        assert member_client.get("/api/v1/me").status_code == 401

    def test_recent_activity_keeps_session(self, member_client: TestClient, db: Session) -> None:
        db.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=90)))
        db.commit()
        assert member_client.get("/").status_code == 200
        db.rollback()
        last_seen = db.execute(select(WebSession.last_seen_at)).scalar_one()
        assert utcnow() - last_seen < timedelta(minutes=1)

    def test_session_of_a_suspended_member_stops_working(
        self, member_client: TestClient, db: Session
    ) -> None:
        db.execute(update(Member).values(status=MemberStatus.SUSPENDED))
        db.commit()
        assert member_client.get("/").status_code == 303

    def test_cookie_carries_nothing_but_the_session_id(
        self, member_client: TestClient, db: Session
    ) -> None:
        token = member_client.cookies[SESSION_COOKIE]
        stored = db.execute(select(WebSession.token_hash)).scalar_one()
        assert token != stored and len(token) >= 40
        assert "csrf-tester" not in token


def test_server_error_page_is_friendly(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/explode")
    def explode() -> None:
        raise RuntimeError("secret database password in a stack trace")

    @app.get("/api/v1/explode")
    def explode_api() -> None:
        raise RuntimeError("secret database password in a stack trace")

    client = TestClient(
        app, base_url="http://testserver", raise_server_exceptions=False, follow_redirects=False
    )
    seed_reference_data(app)
    signed_in(client, subject="exploder", name="Exploder")
    page = client.get("/explode")
    assert page.status_code == 500
    assert "Something went wrong on our side" in page.text
    assert "secret" not in page.text and "Traceback" not in page.text
    api = client.get("/api/v1/explode")
    assert api.status_code == 500
    assert api.headers["content-type"] == "application/problem+json"
    assert "secret" not in api.text


def test_not_found_page_for_members(member_client: TestClient) -> None:
    response = member_client.get("/no-such-page")
    assert response.status_code == 404
    assert "does not exist, or you may not see it" in response.text
    api = member_client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.json()["status"] == 404


def test_a_bearer_header_buys_no_csrf_waiver_on_pages(member_client: TestClient) -> None:
    csrf_token(member_client)
    response = member_client.post(
        "/auth/sign-out", data={}, headers={"Authorization": "Bearer anything"}
    )
    assert response.status_code == 403
    assert session_still_works(member_client)
