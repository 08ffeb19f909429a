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

Url-encoded and JSON bodies (small) are read whole and checked before the application
starts. Multipart bodies (uploads, up to the request limit) are not held in memory: they
are scanned as they stream to the application (python-multipart's streaming parser, the
one Starlette uses), and a forbidden byte in a text part raises BadField from ``receive``,
which happens while the form is parsed, before any view has run. The bytes are checked
raw: a C0 control or DEL is one byte in UTF-8 and never part of another character.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.problems import is_api_path, problem

CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_BYTE_IN_VALUE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
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


class BadField(HTTPException):
    """A field holds a forbidden character; raised from ``receive`` while a multipart body
    streams in. An HTTPException, so FastAPI's body parsing lets it through unchanged."""

    def __init__(self, field: str) -> None:
        super().__init__(status_code=400, detail=MESSAGE)
        self.field = field


class MultipartScanner:
    """Watches a multipart body go by and remembers the first text part (a part without a
    filename) holding a forbidden byte."""

    def __init__(self, boundary: bytes) -> None:
        self.bad_field: str | None = None
        self._headers = bytearray()
        self._name = ""
        self._is_file = False
        self._broken = False
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begins,
                "on_header_field": self._header_bytes,
                "on_header_value": self._header_bytes,
                "on_header_end": self._header_ends,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
            },
        )

    def _part_begins(self) -> None:
        self._headers = bytearray()

    def _header_bytes(self, data: bytes, start: int, end: int) -> None:
        self._headers += data[start:end]

    def _header_ends(self) -> None:
        self._headers += b"\n"

    def _headers_finished(self) -> None:
        headers = self._headers.decode("latin-1")
        self._is_file = "filename=" in headers
        match = re.search(r'name="([^"]*)"', headers)
        self._name = match.group(1) if match else ""

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if (
            self.bad_field is None
            and not self._is_file
            and CONTROL_BYTE_IN_VALUE.search(data, start, end)
        ):
            self.bad_field = f"body.{self._name}"

    def feed(self, chunk: bytes) -> None:
        if self._broken or not chunk:
            return
        try:
            self._parser.write(chunk)
        except MultipartParseError:
            self._broken = True  # not a valid body: the route's own parsing answers 400


def _body_fields(body: bytes, content_type: str) -> Iterator[tuple[str, str]]:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        yield from _query_fields(body, "body")
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


READ_WHOLE_BODIES = ("application/x-www-form-urlencoded", "json")


def refusal(request: Request, field: str) -> Response:
    from app.web.errors import error_page

    name = CONTROL_IN_PATH.sub("?", field.split(".", 1)[1] if "." in field else field)
    if is_api_path(request.url.path):
        return problem(
            422, "The request is not valid.", errors=[{"loc": field.split("."), "msg": MESSAGE}]
        )
    return error_page(request, 400, f"The field “{name}” {MESSAGE}.")


class BadBytesMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        lowered = content_type.lower()
        body = b""
        downstream = receive
        if any(kind in lowered for kind in READ_WHOLE_BODIES):
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

            downstream = replay_body
        field = first_bad_field(scope, body, content_type)
        if field is not None:
            await refusal(Request(scope, downstream), field)(scope, downstream, send)
            return
        boundary = re.search(r'boundary="?([^";]+)"?', content_type)
        if not lowered.startswith("multipart/form-data") or boundary is None:
            await self.app(scope, downstream, send)
            return

        scanner = MultipartScanner(boundary.group(1).encode("latin-1"))
        started = False

        async def scanning_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                scanner.feed(message.get("body", b""))
                if scanner.bad_field is not None:
                    raise BadField(scanner.bad_field)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, scanning_receive, tracking_send)
        except BadField as bad:  # raised where no exception handler sees it (a middleware)
            if started:
                raise
            await refusal(Request(scope, receive), bad.field)(scope, receive, send)
