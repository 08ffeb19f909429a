"""CSRF protection for every state-changing browser request, through asgi-csrf.

A signed token sits in a cookie and must come back in the ``csrftoken`` form field (first
field of a multipart form) or the ``X-CSRFToken`` header. Requests that carry no cookie
at all cannot ride on a session and pass; API clients with a bearer token pass.
"""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from asgi_csrf import DEFAULT_SIGNING_NAMESPACE, Errors, asgi_csrf_decorator
from fastapi.responses import HTMLResponse
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings
from app.web.problems import is_api_path, problem

CSRF_COOKIE = "csrftoken"
CSRF_FORM_FIELD = "csrftoken"
CSRF_REFUSAL = (
    "This form has expired or did not come from the portal (CSRF check failed). "
    "Go back, reload the page and try again."
)


async def _send_csrf_failed(scope: Scope, send: Send, _error: Errors) -> None:
    if is_api_path(scope["path"]):
        response = problem(403, CSRF_REFUSAL)
    else:
        response = HTMLResponse(_REFUSAL_PAGE, status_code=403)

    async def no_body() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    await response(scope, no_body, send)


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


class CsrfMiddleware:
    """asgi-csrf, plus the checks for multipart bodies (which it can no longer read) done
    here before it sees them."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.signer = URLSafeSerializer(settings.secret_key.get_secret_value())
        self.protected = asgi_csrf_decorator(
            signing_secret=settings.secret_key.get_secret_value(),
            cookie_name=CSRF_COOKIE,
            form_input=CSRF_FORM_FIELD,
            cookie_secure=settings.uses_https,
            cookie_samesite="Lax",
            send_csrf_failed=_send_csrf_failed,
        )(app)

    def _matches_cookie(self, token: bytes, cookie_header: bytes) -> bool:
        cookie = SimpleCookie()
        cookie.load(cookie_header.decode("latin-1"))
        morsel = cookie.get(CSRF_COOKIE)
        if morsel is None:
            return False
        try:
            self.signer.loads(morsel.value, DEFAULT_SIGNING_NAMESPACE)
        except BadSignature:
            return False
        return secrets.compare_digest(token.decode("latin-1"), morsel.value)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.protected(scope, receive, send)
            return
        headers = list(scope["headers"])
        if not is_api_path(scope["path"]):
            # asgi-csrf waives its check for any request with a bearer token, but only the
            # API accepts bearer tokens; elsewhere the header must not buy a waiver.
            headers = [(name, value) for name, value in headers if name != b"authorization"]
        named = dict(headers)
        multipart = named.get(b"content-type", b"").startswith(b"multipart/form-data")
        bearer = named.get(b"authorization", b"").startswith(b"Bearer ")
        if multipart and b"cookie" in named and not bearer:
            token = named.get(b"x-csrftoken") or _query_token(scope)
            if token is None or not self._matches_cookie(token, named[b"cookie"]):
                await _send_csrf_failed(scope, send, Errors.MULTIPART_MISMATCH)
                return
            headers.append((b"x-csrftoken", token))
        await self.protected({**scope, "headers": headers}, receive, send)


def _query_token(scope: Scope) -> bytes | None:
    """Upload forms carry the token in their action URL (``?csrftoken=``): asgi-csrf's own
    reading of multipart bodies fails with current python-multipart, and a form cannot set
    a header without JavaScript. The token must still match the signed cookie, exactly as
    the header would."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(CSRF_FORM_FIELD)
    return values[0].encode("latin-1") if values else None
