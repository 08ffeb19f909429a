"""Nothing but sign-in, sign-out, health checks, the privacy notice and static assets is
open to anonymous visitors: a walk over every registered route proves it."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.web.deps import is_public_path

PUBLIC_ROUTES = {
    "/healthz",
    "/readyz",
    "/auth/sign-in",
    "/auth/{provider_name}/login",
    "/auth/{provider_name}/callback",
    "/auth/sign-out",
    "/auth/signed-out",
    "/calendar/{token}.ics",
    "/unsubscribe/{token}",  # from e-mails: the signed token is the authority
    "/privacy",  # the privacy notice: read before signing in; names no member
}


def concrete_path(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "x1", template)


def registered_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every route with its method, read from the OpenAPI document (which lists every route
    of every included router), plus the document's own route."""
    routes = [("GET", "/api/v1/openapi.json")]
    for path, operations in app.openapi()["paths"].items():
        routes += [(method.upper(), path) for method in operations]
    return routes


def member_routes(app: FastAPI) -> list[tuple[str, str]]:
    return [(method, path) for method, path in registered_routes(app) if path not in PUBLIC_ROUTES]


def test_the_public_list_is_exactly_what_is_public(app: FastAPI) -> None:
    registered = {path for _method, path in registered_routes(app)}
    assert registered >= PUBLIC_ROUTES
    for path in registered:
        assert is_public_path(concrete_path(path)) == (path in PUBLIC_ROUTES), path


def test_every_member_route_turns_anonymous_visitors_away(app: FastAPI, client: TestClient) -> None:
    walked = member_routes(app)
    assert len(walked) >= 3  # home, the API, the OpenAPI document at least
    for method, template in walked:
        path = concrete_path(template)
        response = client.request(method, path, data={"x": "1"} if method != "GET" else None)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["status"] == 401
        else:
            assert response.status_code == 303, (method, path)
            assert response.headers["location"].startswith("/auth/sign-in?next=")
        assert "Welcome" not in response.text


@pytest.mark.parametrize("path", ["/", "/api/v1/me", "/api/v1/openapi.json"])
def test_a_forged_or_unknown_session_cookie_is_anonymous(client: TestClient, path: str) -> None:
    client.cookies.set("portal_session", "forged-value")
    assert client.get(path).status_code in (303, 401)


def test_unknown_pages_do_not_say_whether_they_exist(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Welcome" not in response.text


def test_static_assets_and_health_are_public(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    css = client.get("/static/build/portal.css")
    assert css.status_code == 200
    assert "govuk" in css.text


def test_only_the_openapi_document_hides_from_the_schema() -> None:
    """The walk above reads the OpenAPI document, so no other route may leave it."""
    from pathlib import Path

    app_dir = Path(__file__).resolve().parent.parent / "app"
    hidden = [
        path.name
        for path in app_dir.rglob("*.py")
        for _ in range(path.read_text().count("include_in_schema=False"))
    ]
    assert hidden == ["main.py"]
