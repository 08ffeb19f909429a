"""Liveness and readiness for the load balancer: public, and they say nothing about members."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database and Meilisearch are reachable")
async def readyz(request: Request) -> JSONResponse:
    def database_problem() -> str | None:
        try:
            with request.app.state.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as error:
            return f"unreachable ({type(error).__name__})"
        return None

    checks = {
        "database": await run_in_threadpool(database_problem),
        "search": await run_in_threadpool(request.app.state.search_engine.health_problem),
    }
    ready = all(problem is None for problem in checks.values())
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    return JSONResponse(body, status_code=200 if ready else 503)
