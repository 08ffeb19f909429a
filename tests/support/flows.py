"""The sign-in dance, step by step, against a real OpenID provider."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.security.csrf import csrf_token_for_session
from app.security.sessions import session_cookie_name


def start_login(client: TestClient, provider: str, next_path: str | None = None) -> str:
    """Ask the portal to start signing in; returns the provider's authorization URL."""
    params = {"next": next_path} if next_path else None
    response = client.get(f"/auth/{provider}/login", params=params)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def authorize_at_provider(authorization_url: str, subject: str) -> str:
    """Sign in at oidc-provider-mock as ``subject``; returns the callback URL it redirects to."""
    response = httpx.post(authorization_url, data={"sub": subject}, follow_redirects=False)
    assert response.status_code in (302, 303), response.text
    return response.headers["location"]


def set_provider_claims(provider_url: str, subject: str, claims: dict[str, object]) -> None:
    response = httpx.put(f"{provider_url}/users/{subject}", json={"sub": subject, **claims})
    assert response.status_code == 204, response.text


def follow_callback(client: TestClient, callback_url: str) -> httpx.Response:
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(
    client: TestClient,
    *,
    provider: str = "leeds",
    provider_url: str,
    subject: str = "alice",
    claims: dict[str, object] | None = None,
    expect_status: int = 303,
) -> httpx.Response:
    set_provider_claims(
        provider_url,
        subject,
        claims or {"name": subject.title(), "email": f"{subject}@example.org"},
    )
    callback = authorize_at_provider(start_login(client, provider), subject)
    response = follow_callback(client, callback)
    assert response.status_code == expect_status, response.text
    return response


def csrf_token(client: TestClient) -> str:
    """The token the portal's pages put in this client's forms: bound to its session (empty
    without one, when no check applies)."""
    app: FastAPI = client.app  # type: ignore[assignment]
    settings = app.state.settings
    session_token = client.cookies.get(session_cookie_name(settings))
    return csrf_token_for_session(settings, session_token) if session_token else ""
