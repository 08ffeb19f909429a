"""Where a signed-in page's time goes, one request at a time: SQL statements and the
milliseconds spent in SQL, in template rendering, in the per-request set-up (the
``authenticate`` dependency: session, member, groups, unread count) and in the rest
(middleware, routing, the view's own Python), for every page the load benchmark requests.

The set-up is the load benchmark's (scripts/benchmark_load.py): a fresh database with the
demo data (SQLite, or a new PostgreSQL database with ``--database postgresql``), the search
index built, a development OpenID provider and Meilisearch of its own. Requests go through
the ASGI application in-process (no network, no concurrency), as a demo member signed in
with the session sign-in starts.

    .venv/bin/python scripts/profile_pages.py [--requests 200] [--database sqlite]
    .venv/bin/python scripts/profile_pages.py --statements home   # list home's statements
    .venv/bin/python scripts/profile_pages.py --cprofile thread   # top functions of a page
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import jinja2  # noqa: E402
from sqlalchemy import event, select  # noqa: E402

from app.devstack import free_port, start_meilisearch, start_oidc_provider  # noqa: E402
from scripts.benchmark_load import MEILI_KEY  # noqa: E402  (the key its environment names)

PAGES = [
    ("floor", "/healthz"),
    ("home", "/"),
    ("discussions", "/discussions"),
    ("thread", "{thread}"),
    ("resources", "/resources"),
    ("resource", "{resource}"),
    ("events", "/events"),
    ("event", "{event}"),
    ("groups", "/groups"),
    ("search", "/search?q=supervision"),
    ("notifications", "/notifications"),
]


@dataclass
class Meter:
    """Accumulates, for the request under way, SQL and template time and statements."""

    statements: list[str] = field(default_factory=list)
    sql_seconds: float = 0.0
    template_seconds: float = 0.0
    setup_seconds: float = 0.0
    setup_statements: int = 0
    _started: dict[int, float] = field(default_factory=dict)

    def reset(self) -> None:
        self.statements = []
        self.sql_seconds = self.template_seconds = self.setup_seconds = 0.0
        self.setup_statements = 0


METER = Meter()


def instrument_templates() -> None:
    original = jinja2.Template.render

    @functools.wraps(original)
    def timed_render(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        started = time.perf_counter()
        sql_before = METER.sql_seconds
        try:
            return original(self, *args, **kwargs)
        finally:
            # SQL run while rendering (a lazy load) is counted as SQL, not as template time
            METER.template_seconds += (
                time.perf_counter() - started - (METER.sql_seconds - sql_before)
            )

    jinja2.Template.render = timed_render  # type: ignore[method-assign]


def instrument_setup() -> None:
    """Wrap the dependency every route runs, before create_app() picks it up."""
    import app.main
    import app.web.deps

    original: Callable[..., None] = app.web.deps.authenticate

    @functools.wraps(original)
    def timed_authenticate(*args: Any, **kwargs: Any) -> None:
        started = time.perf_counter()
        statements_before = len(METER.statements)
        try:
            original(*args, **kwargs)
        finally:
            METER.setup_seconds += time.perf_counter() - started
            METER.setup_statements += len(METER.statements) - statements_before

    app.main.authenticate = timed_authenticate  # type: ignore[attr-defined]


def instrument_sql(engine: Any) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _before(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        METER.statements.append(statement)
        METER._started[id(cursor)] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(_conn: Any, cursor: Any, *_args: Any) -> None:
        started = METER._started.pop(id(cursor), None)
        if started is not None:
            METER.sql_seconds += time.perf_counter() - started


def prepare_database(database: str, tmp: Path, meili_url: str, oidc_url: str) -> str | None:
    """Environment for create_app() and a freshly seeded, indexed database; returns the name
    of a PostgreSQL database to drop afterwards."""
    from scripts.benchmark_load import new_postgres_database, portal_environment, prepare

    data_dir = tmp / f"data-{uuid.uuid4().hex[:6]}"
    data_dir.mkdir()
    dropped = None
    if database == "sqlite":
        database_url = f"sqlite:///{data_dir / 'portal.db'}"
    else:
        server = os.environ.get(
            "PORTAL_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        )
        database_url, dropped = new_postgres_database(server)
    env = portal_environment(ROOT, database_url, data_dir, meili_url, oidc_url)
    env["PORTAL_PAGE_CACHE_SECONDS"] = "0"  # profile the pages as built, not as kept
    prepare(ROOT, env)
    for key in [key for key in os.environ if key.startswith("PORTAL_")]:
        del os.environ[key]
    os.environ.update({key: value for key, value in env.items() if key.startswith("PORTAL_")})
    return dropped


def signed_in_cookie(app: Any, subject: str) -> tuple[str, str]:
    from app.members.models import MemberIdentity
    from app.security.sessions import session_cookie_name
    from tests.support.sessions import start_member_session

    with app.state.session_factory() as db:
        member_id = db.execute(
            select(MemberIdentity.member_id).where(MemberIdentity.subject == subject)
        ).scalar_one()
    return session_cookie_name(app.state.settings), start_member_session(app, member_id)


async def discover(client: httpx.AsyncClient) -> dict[str, str]:
    threads = (await client.get("/api/v1/discussions/threads")).json()["threads"]
    resources = re.findall(r"/resources/[0-9a-f-]{36}", (await client.get("/resources")).text)
    events = re.findall(r"/events/[0-9a-f-]{36}", (await client.get("/events")).text)
    return {
        "thread": f"/discussions/t/{threads[0]['id']}",
        "resource": resources[0],
        "event": events[0],
    }


@dataclass
class Row:
    label: str
    statements: int
    setup_statements: int
    total_ms: float
    p95_ms: float
    sql_ms: float
    template_ms: float
    setup_ms: float


async def measure(client: httpx.AsyncClient, label: str, path: str, requests: int) -> Row:
    for _ in range(5):
        response = await client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
    timings: list[float] = []
    statements: list[int] = []
    setup_statements: list[int] = []
    sql = template = setup = 0.0
    for _ in range(requests):
        METER.reset()
        started = time.perf_counter()
        response = await client.get(path)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        statements.append(len(METER.statements))
        setup_statements.append(METER.setup_statements)
        sql += METER.sql_seconds
        template += METER.template_seconds
        setup += METER.setup_seconds
    timings.sort()
    return Row(
        label=label,
        statements=max(statements),
        setup_statements=max(setup_statements),
        total_ms=statistics.median(timings) * 1000,
        p95_ms=timings[int(len(timings) * 0.95) - 1] * 1000,
        sql_ms=sql / requests * 1000,
        template_ms=template / requests * 1000,
        setup_ms=setup / requests * 1000,
    )


def print_rows(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    heading = ("page", "stmts", "set-up", "p50 ms", "p95 ms", "SQL ms", "tmpl ms", "set-up ms")
    print("{:<14} {:>6} {:>7} {:>7} {:>7} {:>7} {:>8} {:>10}".format(*heading))
    for row in rows:
        print(
            f"{row.label:<14} {row.statements:>6} {row.setup_statements:>7} "
            f"{row.total_ms:>7.2f} {row.p95_ms:>7.2f} {row.sql_ms:>7.2f} "
            f"{row.template_ms:>8.2f} {row.setup_ms:>10.2f}"
        )
    print(
        "stmts: most SQL statements in one request; set-up: of them, in authenticate; "
        "ms are per request (p50, p95 of the whole request; SQL, templates and set-up "
        "on average; set-up includes its SQL)"
    )


def run_threads_inline() -> None:
    """cProfile sees one thread: run what would go to the thread pool on the loop's thread."""
    import anyio.to_thread

    async def inline(func: Callable[..., Any], *args: Any, **_options: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = inline  # type: ignore[assignment]


async def run(args: argparse.Namespace, subject: str) -> None:
    from app.main import create_app

    app = create_app()
    instrument_sql(app.state.engine)
    name, token = signed_in_cookie(app, subject)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", cookies={name: token}
    ) as client:
        places = await discover(client)
        pages = [(label, path.format(**places)) for label, path in PAGES]
        if args.statements:
            path = dict(pages)[args.statements]
            await client.get(path)
            METER.reset()
            await client.get(path)
            print(f"\n{len(METER.statements)} statements for {path}:")
            for statement in METER.statements:
                print("  " + " ".join(statement.split())[:160])
            return
        if args.cprofile:
            run_threads_inline()
            path = dict(pages)[args.cprofile]
            for _ in range(5):
                await client.get(path)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                await client.get(path)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats(args.sort)
            stats.print_stats(args.top)
            return
        rows = [await measure(client, label, path, args.requests) for label, path in pages]
    print_rows(
        f"{args.database}, {args.requests} requests per page, one at a time, in-process, "
        f"signed in as {subject}; load average {os.getloadavg()[0]:.2f}",
        rows,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--subject", default="amara.okafor")
    parser.add_argument("--statements", choices=[label for label, _ in PAGES])
    parser.add_argument("--cprofile", choices=[label for label, _ in PAGES])
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=60)
    args = parser.parse_args()

    instrument_templates()
    instrument_setup()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        meili = start_meilisearch(port=free_port(), data_dir=tmp / "meili", master_key=MEILI_KEY)
        oidc = start_oidc_provider(port=free_port(), log_dir=tmp)
        dropped = None
        try:
            dropped = prepare_database(args.database, tmp, meili.url, oidc.url)
            asyncio.run(run(args, args.subject))
        finally:
            meili.stop()
            oidc.stop()
            if dropped:
                from scripts.benchmark_load import drop_postgres_database

                drop_postgres_database(
                    os.environ.get(
                        "PORTAL_TEST_DATABASE_URL",
                        "postgresql://postgres@127.0.0.1:5432/postgres",
                    ),
                    dropped,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
