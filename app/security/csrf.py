"""CSRF protection bound to the session, checked in one place for every state-changing
browser request (docs/decisions.md, "CSRF bound to the session").

The token is an HMAC of the session cookie's value under the application's secret key.
Only a page the portal served to that session can know it: the session cookie is
HttpOnly, and a new session (every sign-in) means a new token, so a token cannot outlive
its session or serve another. The check needs no database read and no second cookie.

The token comes back in the ``X-CSRFToken`` header (scripts, the API) or the ``csrftoken``
form field, for url-encoded and multipart forms alike: the multipart body is read only
as far as the ``csrftoken`` part (which the forms put first), and what was read is
replayed to the route, so an upload is never held in memory whole here. Nothing is read
from the address: a token in a URL leaks into history, logs and the Referer header.

A request without a session cookie has no session to ride on and passes (the sign-in
buttons, the unsubscribe page, which its own signed link protects). On the API a bearer
token authenticates and the session cookie is not used, so a bearer request passes there;
elsewhere the header buys nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from fastapi.responses import HTMLResponse
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.security.sessions import session_cookie_name
from app.web.problems import is_api_path, problem

CSRF_FORM_FIELD = "csrftoken"
CSRF_HEADER = b"x-csrftoken"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_REFUSAL = (
    "This form has expired or did not come from the portal (CSRF check failed). "
    "Go back, reload the page and try again."
)


def csrf_token_for_session(settings: Settings, session_token: str) -> str:
    """The token every form of this session carries."""
    digest = hmac.new(
        settings.secret_key.get_secret_value().encode(),
        b"csrf:" + session_token.encode("latin-1", "replace"),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def csrf_token_for_request(request: Request) -> str:
    """The token for the forms of a page (empty for a visitor without a session); worked
    out once per request, however many forms the page has."""
    known: str | None = getattr(request.state, "csrf_token", None)
    if known is not None:
        return known
    settings: Settings = request.app.state.settings
    session_token = request.cookies.get(session_cookie_name(settings))
    token = csrf_token_for_session(settings, session_token) if session_token else ""
    request.state.csrf_token = token
    return token


_REFUSAL_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    "<title>Form expired – Children's Social Work Partnership</title>"
    '<link rel="stylesheet" href="/static/build/portal.css"></head>'
    '<body class="govuk-template__body"><main class="govuk-main-wrapper govuk-width-container">'
    '<h1 class="govuk-heading-l">Form expired</h1>'
    f'<p class="govuk-body">{CSRF_REFUSAL}</p>'
    '<p class="govuk-body"><a class="govuk-link" href="/">Go to the home page</a></p>'
    "</main></body></html>"
)


async def _refuse(scope: Scope, send: Send) -> None:
    if is_api_path(scope["path"]):
        response = problem(403, CSRF_REFUSAL)
    else:
        response = HTMLResponse(_REFUSAL_PAGE, status_code=403)

    async def no_body() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    await response(scope, no_body, send)


def _session_cookie(cookie_header: bytes, name: str) -> str | None:
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(cookie_header.decode("latin-1"))
    except CookieError:
        return None
    morsel = cookie.get(name)
    return morsel.value if morsel is not None and morsel.value else None


class _MultipartTokenReader:
    """Feeds a multipart body to python-multipart's streaming parser until the
    ``csrftoken`` part has ended, or a file part begins (the token comes before files)."""

    def __init__(self, boundary: bytes) -> None:
        self.token: bytes | None = None
        self.done = False
        self._headers = bytearray()
        self._in_token = False
        self._value = bytearray()
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begins,
                "on_header_field": self._header_bytes,
                "on_header_value": self._header_bytes,
                "on_header_end": self._header_ends,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_ends,
                "on_end": self._ends,
            },
        )

    def _part_begins(self) -> None:
        self._headers = bytearray()

    def _header_bytes(self, data: bytes, start: int, end: int) -> None:
        self._headers += data[start:end]

    def _header_ends(self) -> None:
        self._headers += b"\n"

    def _headers_finished(self) -> None:
        if self.done:
            return
        headers = self._headers.decode("latin-1")
        if "filename=" in headers:
            self.done = True
            return
        self._in_token = re.search(rf'name="{CSRF_FORM_FIELD}"', headers) is not None

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_token and not self.done:
            self._value += data[start:end]

    def _part_ends(self) -> None:
        if self._in_token and not self.done:
            self.token = bytes(self._value)
            self.done = True

    def _ends(self) -> None:
        self.done = True

    def feed(self, chunk: bytes) -> None:
        if self.done or not chunk:
            return
        try:
            self._parser.write(chunk)
        except MultipartParseError:
            self.done = True


ReadBody = Callable[[], Awaitable[tuple[bytes | None, list[Message]]]]


class CsrfMiddleware:
    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.cookie_name = session_cookie_name(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        session_token = _session_cookie(headers.get(b"cookie", b""), self.cookie_name)
        bearer = headers.get(b"authorization", b"")[:7].lower() == b"bearer "
        if session_token is None or (bearer and is_api_path(scope["path"])):
            await self.app(scope, receive, send)
            return

        token, consumed = headers.get(CSRF_HEADER), []
        if token is None:
            token, consumed = await _token_from_body(headers, receive)
        expected = csrf_token_for_session(self.settings, session_token).encode("ascii")
        if token is None or not hmac.compare_digest(token.strip(), expected):
            await _refuse(scope, send)
            return

        async def replay() -> Message:
            if consumed:
                return consumed.pop(0)
            return await receive()

        await self.app(scope, replay, send)


async def _token_from_body(
    headers: dict[bytes, bytes], receive: Receive
) -> tuple[bytes | None, list[Message]]:
    """The form field's value, and the messages read to find it (to be replayed)."""
    content_type = headers.get(b"content-type", b"").decode("latin-1")
    kind = content_type.split(";", 1)[0].strip().lower()
    consumed: list[Message] = []
    if kind == "application/x-www-form-urlencoded":
        more = True
        while more:
            message = await receive()
            consumed.append(message)
            more = message["type"] == "http.request" and message.get("more_body", False)
        body = b"".join(message.get("body", b"") for message in consumed)
        values = parse_qs(body.decode("latin-1")).get(CSRF_FORM_FIELD)
        return (values[0].encode("latin-1") if values else None), consumed
    boundary = re.search(r'boundary="?([^";]+)"?', content_type)
    if kind == "multipart/form-data" and boundary is not None:
        reader = _MultipartTokenReader(boundary.group(1).encode("latin-1"))
        while not reader.done:
            message = await receive()
            consumed.append(message)
            if message["type"] != "http.request":
                break
            reader.feed(message.get("body", b""))
            if not message.get("more_body", False):
                break
        return reader.token, consumed
    return None, consumed
