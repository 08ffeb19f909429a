"""CSRF protection for every state-changing browser request, through asgi-csrf.

A signed token sits in a cookie and must come back in the ``csrftoken`` form field (first
field of a multipart form) or the ``X-CSRFToken`` header. Requests that carry no cookie
at all cannot ride on a session and pass; API clients with a bearer token pass.
"""

from __future__ import annotations

from asgi_csrf import Errors, asgi_csrf_decorator
from fastapi.responses import HTMLResponse
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
    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.protected = asgi_csrf_decorator(
            signing_secret=settings.secret_key.get_secret_value(),
            cookie_name=CSRF_COOKIE,
            form_input=CSRF_FORM_FIELD,
            cookie_secure=settings.uses_https,
            cookie_samesite="Lax",
            send_csrf_failed=_send_csrf_failed,
        )(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not is_api_path(scope["path"]):
            # asgi-csrf waives its check for any request with a bearer token, but only the
            # API accepts bearer tokens; elsewhere the header must not buy a waiver.
            scope = {
                **scope,
                "headers": [
                    (name, value) for name, value in scope["headers"] if name != b"authorization"
                ],
            }
        await self.protected(scope, receive, send)
