"""Refuse null bytes and other control characters at the edge, before any view, database or
sign-in code sees them.

PostgreSQL cannot store a NUL in text and answers an error that used to surface as a 500;
the other C0 controls (and DEL) have no place in anything a member types either. Checked:
the path, every query parameter (name and value), and the fields of url-encoded forms,
multipart forms (text fields; files are checked by content elsewhere) and JSON bodies
(every string, keys included). Tab, line feed and carriage return are allowed in values,
since text areas hold them; nothing is allowed in the path.

The refusal names the field: problem JSON with the same ``errors`` list as a validation
error for the API, an error page naming the field for forms and pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.problems import is_api_path, problem

CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")
MESSAGE = "contains a control character (such as a null byte), which is not allowed"


def _query_fields(raw: bytes, where: str) -> Iterator[tuple[str, str]]:
    text = raw.decode("latin-1")
    for name, value in parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="replace"):
        yield f"{where}.{name}" if name else where, name
        yield f"{where}.{name}" if name else where, value


def _json_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", str(key)
            yield from _json_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{path}.{index}")


def _multipart_fields(body: bytes, content_type: str) -> Iterator[tuple[str, str]]:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        return
    delimiter = b"--" + match.group(1).encode("latin-1")
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _sep, value = part.partition(b"\r\n\r\n")
        headers = head.decode("latin-1")
        if "filename=" in headers:
            continue
        name_match = re.search(r'name="([^"]*)"', headers)
        name = name_match.group(1) if name_match else ""
        yield f"body.{name}", name
        yield f"body.{name}", value.removesuffix(b"\r\n").decode("utf-8", errors="replace")


def _body_fields(body: bytes, content_type: str) -> Iterator[tuple[str, str]]:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        yield from _query_fields(body, "body")
    elif kind == "multipart/form-data":
        yield from _multipart_fields(body, content_type)
    elif kind == "application/json" or kind.endswith("+json"):
        try:
            document = json.loads(body)
        except ValueError:
            return  # not JSON: the route's own validation answers 422
        yield from _json_strings(document, "body")


def first_bad_field(scope: Scope, body: bytes, content_type: str) -> str | None:
    """The first field (``path``, ``query.q``, ``body.title``) holding a forbidden
    character, or None."""
    if CONTROL_IN_PATH.search(scope.get("path", "")):
        return "path"
    for where, value in _query_fields(scope.get("query_string", b""), "query"):
        if CONTROL_IN_VALUE.search(value):
            return where
    for where, value in _body_fields(body, content_type):
        if CONTROL_IN_VALUE.search(value):
            return where
    return None


CHECKED_BODIES = ("application/x-www-form-urlencoded", "multipart/form-data", "json")


class BadBytesMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        body = b""
        replay = receive
        if any(kind in content_type.lower() for kind in CHECKED_BODIES):
            chunks: list[bytes] = []
            more = True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
            body = b"".join(chunks)
            sent = False

            async def replay_body() -> Message:
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            replay = replay_body
        field = first_bad_field(scope, body, content_type)
        if field is None:
            await self.app(scope, replay, send)
            return
        await self._refuse(scope, replay, send, field)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, field: str) -> None:
        from app.web.errors import error_page

        request = Request(scope, receive)
        name = CONTROL_IN_PATH.sub("?", field.split(".", 1)[1] if "." in field else field)
        if is_api_path(scope.get("path", "")):
            response = problem(
                422,
                "The request is not valid.",
                errors=[{"loc": field.split("."), "msg": MESSAGE}],
            )
        else:
            response = error_page(request, 400, f"The field “{name}” {MESSAGE}.")
        await response(scope, receive, send)
