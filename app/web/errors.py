"""Friendly error pages for people, problem JSON for the API; neither leaks details."""

from __future__ import annotations

import logging
from http import HTTPStatus
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import Forbidden, InvalidAction, InvalidInput, NotFound
from app.guard.forms import problem_fields
from app.guard.service import PassagesFound
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
    500: "Something went wrong on our side. It has been logged; please try again later.",
}


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


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, 500)


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


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NotSignedIn, _not_signed_in)
    app.add_exception_handler(PassagesFound, _guard_refused)
    for error_class in (NotFound, Forbidden, InvalidAction, InvalidInput):
        app.add_exception_handler(error_class, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
