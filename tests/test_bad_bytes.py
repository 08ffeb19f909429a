"""Null bytes and other control characters are refused at the edge with a field error, on
every route: a sweep over the OpenAPI document puts a null byte in each route's path
parameters, query parameters and text body fields in turn, signed in as an admin (so access
checks do not stop the request first), and finds no 5xx. On PostgreSQL (which cannot store a
NUL) this is what used to answer 500."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.members.models import Member
from tests.support.flows import csrf_token
from tests.support.portal import MakeMember

NUL = "nul\x00byte"
CONTROL = "bell\x07"


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            choices = [s for s in schema[key] if s.get("type") != "null"]
            return _resolve(choices[0], components) if choices else {"type": "string"}
    return schema


def sample(schema: dict[str, Any], components: dict[str, Any], text: str, depth: int = 0) -> Any:
    """A value of the schema's shape whose every string is ``text``."""
    schema = _resolve(schema, components)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if kind == "array":
        return [sample(schema.get("items", {}), components, text, depth + 1)]
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        return {
            name: sample(prop, components, text, depth + 1)
            for name, prop in schema.get("properties", {}).items()
        }
    return text


def operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    document = app.openapi()
    return [
        (method.upper(), path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


@pytest.fixture
def admin_browser(make: MakeMember, browser_of: Callable[[Member], TestClient]) -> TestClient:
    return browser_of(make("Amara Okafor", is_admin=True, is_moderator=True))


def send(
    browser: TestClient,
    method: str,
    path: str,
    operation: dict[str, Any],
    where: str,
    components: dict[str, Any],
) -> int | None:
    """The answer's status, or None when the route has no text input of that kind."""
    params = {
        p["name"]: (NUL if where == "query" else "1")
        for p in operation.get("parameters", [])
        if p["in"] == "query"
    }
    url = re.sub(r"\{[^}]+\}", "nul%00byte" if where == "path" else "1", path)
    headers = {"X-CSRFToken": csrf_token(browser)}
    text = NUL if where == "body" else "plain"
    content = operation.get("requestBody", {}).get("content", {})
    kwargs: dict[str, Any] = {}
    if "application/json" in content:
        kwargs["json"] = sample(content["application/json"]["schema"], components, text)
    elif "application/x-www-form-urlencoded" in content or "multipart/form-data" in content:
        media = (
            "multipart/form-data"
            if "multipart/form-data" in content
            else ("application/x-www-form-urlencoded")
        )
        fields = sample(content[media]["schema"], components, text)
        data = {
            name: value for name, value in fields.items() if isinstance(value, str | int | bool)
        }
        data["csrftoken"] = csrf_token(browser)
        kwargs["data"] = {k: str(v) for k, v in data.items()}
        if media == "multipart/form-data":
            kwargs["files"] = {"_": ("notes.txt", b"plain notes", "text/plain")}
    if where == "body" and NUL not in repr(kwargs.get("json")) + repr(kwargs.get("data")):
        return None  # no text field in this body (numbers, choices only)
    response = browser.request(method, url, params=params, headers=headers, **kwargs)
    return response.status_code


def test_a_null_byte_in_any_text_input_of_any_route_is_never_a_5xx(
    app: FastAPI, admin_browser: TestClient
) -> None:
    components = app.openapi().get("components", {}).get("schemas", {})
    server_errors: list[str] = []
    refused = 0
    tried = 0
    passed: list[str] = []
    for method, path, operation in operations(app):
        for where in ("path", "query", "body"):
            if where == "path" and "{" not in path:
                continue
            if where == "query" and not any(
                p["in"] == "query" for p in operation.get("parameters", [])
            ):
                continue
            if where == "body" and "requestBody" not in operation:
                continue
            status = send(admin_browser, method, path, operation, where, components)
            if status is None:
                continue
            tried += 1
            if status >= 500:
                server_errors.append(f"{method} {path} ({where}): {status}")
            if status in (400, 422):
                refused += 1
            else:
                passed.append(f"{method} {path} ({where}): {status}")
    assert tried > 100, tried
    assert server_errors == []
    assert refused == tried, passed  # every one refused at the edge, not by luck further in


def test_the_refusal_names_the_field(admin_browser: TestClient) -> None:
    response = admin_browser.post(
        "/api/v1/discussions/threads",
        json={"title": "Fine", "body": NUL, "category_id": "1"},
        headers={"X-CSRFToken": csrf_token(admin_browser)},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "loc": ["body", "body"],
            "msg": "contains a control character (such as a null byte), which is not allowed",
        }
    ]
    page = admin_browser.get("/search", params={"q": CONTROL})
    assert page.status_code == 400
    assert "The field “q” contains a control character" in page.text


def test_the_unauthenticated_sign_in_callback_refuses_a_null_byte(client: TestClient) -> None:
    response = client.get("/auth/leeds/callback", params={"code": NUL, "state": NUL})
    assert response.status_code == 400
    assert client.get("/auth/leeds%00/callback").status_code == 400


def test_line_breaks_and_tabs_in_text_are_welcome(admin_browser: TestClient) -> None:
    response = admin_browser.get("/search", params={"q": "child\tprotection\r\nplans"})
    assert response.status_code == 200


def test_upload_forms_are_checked_as_they_stream_and_files_may_hold_any_byte(
    admin_browser: TestClient,
) -> None:
    headers = {"X-CSRFToken": csrf_token(admin_browser)}
    fields = {"summary": "A guide.", "type": "practice_guide"}
    notes = {"files": ("notes.txt", b"Plain notes for practice.", "text/plain")}
    api = admin_browser.post(
        "/api/v1/resources", data={"title": NUL, **fields}, files=notes, headers=headers
    )
    assert api.status_code == 422
    assert api.json()["errors"][0]["loc"] == ["body", "title"]
    page = admin_browser.post(
        "/resources",
        data={"title": "Fine", **fields, "summary": CONTROL},
        files=notes,
        headers=headers,
    )
    assert page.status_code == 400
    assert "The field “summary” contains a control character" in page.text

    binary = {
        "files": ("scan.pdf", b"%PDF-1.4\n\x00\x01\x02\x1f binary content", "application/pdf")
    }
    upload = admin_browser.post(
        "/api/v1/resources", data={"title": "A scan", **fields}, files=binary, headers=headers
    )
    assert upload.status_code < 500
    assert "control character" not in upload.text  # a file's bytes are checked by content
