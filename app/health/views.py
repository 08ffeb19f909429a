"""Liveness and readiness for the load balancer (public, and they say nothing about
members), and the admin status page.

- ``/healthz``: the process is up.
- ``/readyz``: this process can serve requests, i.e. its database answers. Meilisearch is
  not part of it: a search outage degrades one page, and a load balancer that removed every
  web process for it would take the whole portal down.
- ``/readyz?full=1``: every dependency (Meilisearch, the index, the worker's heartbeat and
  backlog, SMTP, free space in the file store); 503 when any is wrong, for monitoring.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app.db import transaction
from app.health.checks import StatusReport, database_problem, full_status
from app.outbox.service import failed_rows, retry_failed
from app.web.deps import DbSession, require_admin
from app.web.flash import flash
from app.web.templating import render

router = APIRouter(tags=["health"])
admin_router = APIRouter(
    prefix="/admin/status", tags=["admin"], dependencies=[Depends(require_admin)]
)


def _full_status(request: Request) -> StatusReport:
    state = request.app.state
    if database_problem(state.engine) is None:
        with transaction(state.session_factory) as db:
            return full_status(
                engine=state.engine,
                db_session=db,
                settings=state.settings,
                search_engine=state.search_engine,
                files_dir=state.settings.resolved_files_dir,
            )
    return full_status(
        engine=state.engine,
        db_session=None,
        settings=state.settings,
        search_engine=state.search_engine,
        files_dir=state.settings.resolved_files_dir,
    )


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="This process can serve requests (its database answers)")
async def readyz(
    request: Request, full: Annotated[bool, Query(description="Check every dependency")] = False
) -> JSONResponse:
    if full:
        report = await run_in_threadpool(_full_status, request)
        body = {
            "status": "ready" if report.healthy else "degraded",
            "checks": {name: problem or "ok" for name, problem in report.checks.items()},
            "details": report.details,
        }
        return JSONResponse(body, status_code=200 if report.healthy else 503)
    problem = await run_in_threadpool(database_problem, request.app.state.engine)
    body = {
        "status": "ready" if problem is None else "not ready",
        "checks": {"database": problem or "ok"},
    }
    return JSONResponse(body, status_code=200 if problem is None else 503)


@admin_router.get("", summary="The portal's dependencies, the worker and failed side effects")
def status_page(request: Request, db: DbSession) -> Response:
    report = _full_status(request)
    return render(
        request,
        "health/status.html",
        {"report": report, "failed": failed_rows(db)},
    )


@admin_router.post("/retry", summary="Run failed side effects again", response_class=HTMLResponse)
def retry(
    request: Request, db: DbSession, message_id: Annotated[int | None, Form()] = None
) -> Response:
    count = retry_failed(db, message_ids=[message_id] if message_id is not None else None)
    response = RedirectResponse("/admin/status", status_code=303)
    flash(request, response, f"{count} failed {'row' if count == 1 else 'rows'} queued again.")
    return response
