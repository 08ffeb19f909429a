"""Friendly error pages for people, problem JSON for the API; neither leaks details."""

from __future__ import annotations

import logging
from http import HTTPStatus
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import Forbidden, InvalidAction, InvalidInput, NotFound
from app.guard.forms import problem_fields
from app.guard.service import PassagesFound
from app.resources.storage import NO_ROOM, StorageFull
from app.security.rate_limits import RateLimited
from app.web.deps import NotSignedIn
from app.web.problems import is_api_path, problem
from app.web.templating import render

logger = logging.getLogger(__name__)

PAGE_MESSAGES = {
    400: "The request could not be understood. Go back and try again.",
    403: "You do not have permission to do that.",
    404: "The page you asked for does not exist, or you may not see it.",
    405: "That page cannot be used that way.",
    409: "That cannot be done now; nothing was changed.",
    413: "What you sent is too large.",
    422: "Some of what you sent is not valid; nothing was changed.",
    429: "You have done that many times in a short while. Nothing was lost; please try "
    "again in a moment.",
    500: "Something went wrong on our side. It has been logged; please try again later.",
    503: "The portal cannot reach its database just now. Nothing was changed; please try "
    "again in a minute.",
    507: "The file store is full, so your files could not be saved. Nothing was changed; "
    "please try again later. The portal's administrators have been told.",
}
RETRY_AFTER_SECONDS = 30
BUSY_RETRY_AFTER_SECONDS = 5
BUSY_MESSAGE = (
    "The portal is very busy just now, so this could not be saved. Nothing was changed; "
    "please try again in a few seconds."
)


def is_database_busy(error: BaseException) -> bool:
    """SQLite's write lock was held by others for longer than the busy timeout: the
    database is up, just busy."""
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


def is_database_outage(error: BaseException) -> bool:
    """The database did not answer (down, restarting, unreachable), as opposed to refusing
    a statement: the request may succeed if tried again shortly."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def error_page(request: Request, status: int, message: str | None = None) -> Response:
    if is_api_path(request.url.path):
        return problem(status, message or PAGE_MESSAGES.get(status, HTTPStatus(status).phrase))
    return render(
        request,
        "errors/error.html",
        {
            "status": status,
            "title": HTTPStatus(status).phrase,
            "message": message or PAGE_MESSAGES.get(status, HTTPStatus(status).phrase),
        },
        status_code=status,
    )


async def _not_signed_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotSignedIn)
    if is_api_path(request.url.path):
        return problem(401, exc.detail, headers={"WWW-Authenticate": 'Bearer realm="portal"'})
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/auth/sign-in?next={quote(target, safe='')}", status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code < 500 else None
    if detail == HTTPStatus(exc.status_code).phrase:
        detail = None
    response = error_page(request, exc.status_code, detail)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if is_api_path(request.url.path):
        errors = [
            {"loc": [str(part) for part in error["loc"]], "msg": error["msg"]}
            for error in exc.errors()
        ]
        return problem(422, "The request is not valid.", errors=errors)
    return error_page(request, 400)


def answer_for(request: Request, error: BaseException) -> Response:
    """503 with Retry-After for a busy or unreachable database, 507 for a full file
    store, else 500."""
    if is_database_busy(error):
        logger.warning("database busy on %s %s: %s", request.method, request.url.path, error)
        response = error_page(request, 503, BUSY_MESSAGE)
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response
    if is_database_outage(error):
        logger.warning("database unavailable on %s %s: %s", request.method, request.url.path, error)
        response = error_page(request, 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if isinstance(error, StorageFull) or (isinstance(error, OSError) and error.errno in NO_ROOM):
        logger.error("file store full on %s %s: %s", request.method, request.url.path, error)
        return error_page(request, 507)
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return error_page(request, 500)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    return answer_for(request, exc)


class ErrorBoundaryMiddleware:
    """The outermost of our middleware: an exception that escaped everything inside
    (including the unit of work's commit, which runs after the route) is answered here, as
    503, 507 or 500, instead of reaching Starlette's ServerErrorMiddleware, which re-raises
    it to the server, and uvicorn then closes the keep-alive connection."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if started:
                raise
            request = Request(scope, receive)
            try:
                response = answer_for(request, error)
            except Exception:
                logger.exception("the error page itself failed on %s", request.url.path)
                response = PlainTextResponse(PAGE_MESSAGES[500], status_code=500)
            await response(scope, receive, send)


async def _domain_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotFound):
        return error_page(request, 404, str(exc) if str(exc) != "Not found." else None)
    if isinstance(exc, Forbidden):
        return error_page(request, 403, str(exc))
    if isinstance(exc, InvalidInput):
        if is_api_path(request.url.path):
            return problem(422, "The request is not valid.", errors=exc.errors)
        return error_page(request, 422, str(exc))
    return error_page(request, 409, str(exc))


async def _guard_refused(request: Request, exc: Exception) -> Response:
    """A save the anonymisation guard stopped and the route did not show again as a form:
    the API's 409 problem listing the findings (422 when "post anyway" lacked a reason)."""
    assert isinstance(exc, PassagesFound)
    status, detail, extra = problem_fields(exc)
    if is_api_path(request.url.path):
        return problem(status, detail, **extra)
    passages = "; ".join(f"“{finding.text}” ({finding.label})" for finding in exc.findings[:5])
    return error_page(request, status, f"Nothing was saved: {passages}. Go back and edit it.")


async def _rate_limited(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RateLimited)
    response = error_page(request, 429, str(exc))
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _bad_field(request: Request, exc: Exception) -> Response:
    from app.security.bad_bytes import BadField, refusal

    assert isinstance(exc, BadField)
    return refusal(request, exc.field)


def install_error_handlers(app: FastAPI) -> None:
    from app.security.bad_bytes import BadField

    app.add_exception_handler(BadField, _bad_field)
    app.add_exception_handler(RateLimited, _rate_limited)
    app.add_exception_handler(NotSignedIn, _not_signed_in)
    app.add_exception_handler(PassagesFound, _guard_refused)
    for error_class in (NotFound, Forbidden, InvalidAction, InvalidInput):
        app.add_exception_handler(error_class, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for outage in (OperationalError, InterfaceError, DBAPIError, StorageFull):
        app.add_exception_handler(outage, _unexpected_error)
    app.add_exception_handler(Exception, _unexpected_error)
