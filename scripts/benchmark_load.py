"""Load the portal over HTTP with concurrent signed-in clients and print req/s, p50 and p95
per page beside the floor (/healthz: every middleware, no work), and the CPU time the
portal's processes spent per request ("CPU share": the floor's CPU per request over the
page's, what the share of the floor would be on an otherwise idle machine; in mixed
traffic the writers' CPU is in every row).

The script starts everything itself: Meilisearch, the development OpenID provider, a fresh
database (a SQLite file, or a new PostgreSQL database on the server of
PORTAL_TEST_DATABASE_URL), the demo data, and the portal (``portal serve``, one process on
SQLite, ``--workers 2`` on PostgreSQL). Clients sign in through the real OpenID flow as
demo members, then each page is hammered by ``--clients`` clients for ``--seconds``.

Traffic: ``read`` (every client reads the page) or ``mixed`` (the same, while 4 more
clients post replies to a thread as fast as they are answered; their figures are the
"replies (writers)" row). 429 answers to writers are counted, not failures.

``--before PATH`` measures another checkout of the portal first (e.g. a worktree at the
main branch's commit), back to back with this one, so the two tables share a machine state.

``--page-cache off`` runs this checkout with its page cache off (PORTAL_PAGE_CACHE_SECONDS=0),
``both`` with it on and then off. With it on, read traffic is the cache's best case (each
client reads one page again and again, nothing is written) and mixed traffic its worst
(every reply retires every kept page); with it off every request renders its page.

    .venv/bin/python scripts/benchmark_load.py --database sqlite --traffic read
    .venv/bin/python scripts/benchmark_load.py --database both --traffic both \\
        --before ../portal-main
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psycopg  # noqa: E402

from app.demo import DEMO_PEOPLE  # noqa: E402
from app.devstack import free_port, start_meilisearch, start_oidc_provider  # noqa: E402
from app.members.models import MemberStatus  # noqa: E402

MEILI_KEY = "load-bench-key-0123456789"
WRITERS = 4
PAGES = [
    ("floor /healthz", "/healthz"),
    ("home", "/"),
    ("discussions", "/discussions"),
    ("a thread", "{thread}"),
    ("resources", "/resources"),
    ("a resource", "{resource}"),
    ("events", "/events"),
    ("an event", "{event}"),
    ("groups", "/groups"),
    ("search page", "/search?q=supervision"),
    ("notifications", "/notifications"),
]


@dataclass
class Figures:
    timings: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0
    server_cpu_seconds: float = 0.0
    """CPU time the portal's processes used meanwhile (all traffic, writers included)."""

    @property
    def cpu_ms_per_request(self) -> float:
        return self.server_cpu_seconds / len(self.timings) * 1000 if self.timings else 0.0

    @property
    def rate(self) -> float:
        return len(self.timings) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.timings)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.timings) * 1000 if self.timings else 0.0

    def failures(self) -> str:
        bad = {status: n for status, n in sorted(self.statuses.items()) if status >= 400}
        return ", ".join(f"{n}×{status}" for status, n in bad.items()) or "-"


@dataclass
class Portal:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def process_tree_cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its descendants (uvicorn's workers), from
    /proc: unlike req/s, it hardly moves with what else the machine is running."""
    total, pending, seen = 0.0, [pid], set()
    ticks = os.sysconf("SC_CLK_TCK")
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def portal_environment(checkout: Path, database_url: str, data_dir: Path, meili: str, oidc: str):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PORTAL_") or key == "PORTAL_TEST_DATABASE_URL"
    }
    env.update(
        PYTHONPATH=str(checkout),
        PORTAL_ENV="development",
        PORTAL_DATABASE_URL=database_url,
        PORTAL_DATA_DIR=str(data_dir),
        PORTAL_MEILI_URL=meili,
        PORTAL_MEILI_MASTER_KEY=MEILI_KEY,
        PORTAL_MEILI_INDEX_PREFIX=f"load{uuid.uuid4().hex[:8]}",
        PORTAL_DEV_OIDC_ISSUER=oidc,
        # Writers post as fast as they are answered: lift the reply limit so the mixed
        # traffic measures writes, not refusals (older checkouts ignore this setting).
        PORTAL_RATE_LIMITS='{"reply": "100000/minute"}',
    )
    return env


def portal_command(checkout: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli", *args]


def prepare(checkout: Path, env: dict[str, str]) -> None:
    for args in (("db", "upgrade"), ("seed", "--demo"), ("search", "reindex")):
        subprocess.run(
            portal_command(checkout, *args),
            cwd=checkout,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def start_portal(checkout: Path, env: dict[str, str], workers: int, log_dir: Path) -> Portal:
    port = free_port()
    log = log_dir / f"portal-{port}.log"
    process = subprocess.Popen(
        portal_command(checkout, "serve", "--port", str(port), "--workers", str(workers)),
        cwd=checkout,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return Portal(url, process, log)
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"the portal did not start; see {log}")


def stop_portal(portal: Portal) -> None:
    portal.process.terminate()
    try:
        portal.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        portal.process.kill()
        portal.process.wait()


async def sign_in(client: httpx.AsyncClient, subject: str) -> None:
    """The real flow: the portal's login redirect, the provider's form, the callback."""
    login = await client.get("/auth/dev/login")
    provider_form = login.headers["location"]
    async with httpx.AsyncClient() as provider:
        answer = await provider.post(provider_form, data={"sub": subject})
    callback = urlsplit(answer.headers["location"])
    finished = await client.get(f"{callback.path}?{callback.query}")
    assert finished.status_code == 303, (subject, finished.status_code, finished.text[:300])
    await client.get("/")  # the CSRF cookie


async def seen_by_all(clients: list[httpx.AsyncClient], candidates: list[str]) -> str:
    """The first of ``candidates`` that every signed-in client may open."""
    for path in candidates:
        statuses = [(await client.get(path)).status_code for client in clients]
        if all(status == 200 for status in statuses):
            return path
    raise RuntimeError(f"none of {candidates[:3]}... is open to every client")


async def discover(clients: list[httpx.AsyncClient]) -> dict[str, str]:
    first = clients[0]
    threads = (await first.get("/api/v1/discussions/threads")).json()["threads"]
    resources = re.findall(r"/resources/[0-9a-f-]{36}", (await first.get("/resources")).text)
    events = re.findall(r"/events/[0-9a-f-]{36}", (await first.get("/events")).text)
    thread = await seen_by_all(clients, [f"/discussions/t/{t['id']}" for t in threads])
    return {
        "thread": thread,
        "thread_id": thread.rsplit("/", 1)[1],
        "resource": await seen_by_all(clients, list(dict.fromkeys(resources))),
        "event": await seen_by_all(clients, list(dict.fromkeys(events))),
    }


async def hammer(
    clients: list[httpx.AsyncClient],
    path: str,
    seconds: float,
    writers: list[httpx.AsyncClient],
    thread_id: str,
) -> tuple[Figures, Figures]:
    """Every reader requests ``path`` in a loop; every writer replies to the thread in a loop."""
    reads, writes = Figures(), Figures()
    stop_at = time.perf_counter() + seconds

    async def read_loop(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                response = await client.get(path)
                status = response.status_code
            except httpx.HTTPError:
                status = 599
            reads.timings.append(time.perf_counter() - started)
            reads.statuses[status] += 1

    async def write_loop(client: httpx.AsyncClient, number: int) -> None:
        # the session's CSRF token, as every page's forms carry it
        found = re.search(r'name="csrftoken" value="([^"]+)"', (await client.get("/")).text)
        token = found.group(1) if found else ""
        count = 0
        while time.perf_counter() < stop_at:
            count += 1
            started = time.perf_counter()
            try:
                response = await client.post(
                    f"/api/v1/discussions/threads/{thread_id}/posts",
                    json={"body": f"Load test reply {number}.{count}: thanks, useful."},
                    headers={"X-CSRFToken": token},
                )
                status = response.status_code
            except httpx.HTTPError:
                status = 599
            writes.timings.append(time.perf_counter() - started)
            writes.statuses[status] += 1

    started = time.perf_counter()
    await asyncio.gather(
        *(read_loop(client) for client in clients),
        *(write_loop(client, n) for n, client in enumerate(writers)),
    )
    reads.seconds = writes.seconds = time.perf_counter() - started
    return reads, writes


async def measure_portal(
    portal: Portal, *, clients: int, seconds: float, traffic: str
) -> list[tuple[str, Figures]]:
    subjects = [p.subject for p in DEMO_PEOPLE if p.status == MemberStatus.ACTIVE]
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    timeout = httpx.Timeout(60.0)
    readers = [
        httpx.AsyncClient(base_url=portal.url, limits=limits, timeout=timeout)
        for _ in range(clients)
    ]
    writers = [
        httpx.AsyncClient(base_url=portal.url, limits=limits, timeout=timeout)
        for _ in range(WRITERS if traffic == "mixed" else 0)
    ]
    try:
        for number, client in enumerate(readers + writers):
            await sign_in(client, subjects[number % len(subjects)])
        places = await discover(readers + writers)
        rows: list[tuple[str, Figures]] = []
        all_writes = Figures()
        for label, template in PAGES:
            path = template.format(**places)
            for client in readers[:2]:
                await client.get(path)  # warm caches and the connection
            cpu_before = process_tree_cpu_seconds(portal.process.pid)
            reads, writes = await hammer(readers, path, seconds, writers, places["thread_id"])
            reads.server_cpu_seconds = process_tree_cpu_seconds(portal.process.pid) - cpu_before
            rows.append((label, reads))
            all_writes.timings += writes.timings
            all_writes.statuses += writes.statuses
            all_writes.seconds += writes.seconds
        if writers:
            rows.append(("replies (writers)", all_writes))
        return rows
    finally:
        for client in readers + writers:
            await client.aclose()


def new_postgres_database(server_url: str) -> tuple[str, str]:
    name = f"load_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = server_url.rsplit("/", 1)[0]
    return f"{base}/{name}", name


def drop_postgres_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def print_table(title: str, rows: list[tuple[str, Figures]]) -> None:
    floor = rows[0][1].rate or 1.0
    print(f"\n{title}")
    floor_cpu = rows[0][1].cpu_ms_per_request or 1.0
    heading = (
        "page",
        "req/s",
        "of floor",
        "p50 ms",
        "p95 ms",
        "p95/p50",
        "CPU ms/req",
        "CPU share",
    )
    print("{:<20} {:>7} {:>9} {:>8} {:>8} {:>8} {:>11} {:>10}  errors".format(*heading))
    for label, figures in rows:
        ratio = figures.percentile(0.95) / figures.p50 if figures.p50 else 0.0
        print(
            f"{label:<20} {figures.rate:>7.1f} {figures.rate / floor:>8.0%} "
            f"{figures.p50:>8.1f} {figures.percentile(0.95):>8.1f} {ratio:>8.1f} "
            f"{figures.cpu_ms_per_request:>11.2f} "
            f"{floor_cpu / figures.cpu_ms_per_request if figures.cpu_ms_per_request else 0:>9.0%}  "
            f"{figures.failures()}"
        )
    sys.stdout.flush()


def run_one(
    checkout: Path,
    database: str,
    traffic: str,
    args: argparse.Namespace,
    tmp: Path,
    services,
    page_cache: str | None = None,
) -> None:
    meili, oidc = services
    data_dir = tmp / f"{checkout.name}-{database}-{traffic}-{uuid.uuid4().hex[:6]}"
    data_dir.mkdir()
    dropped = None
    if database == "sqlite":
        database_url = f"sqlite:///{data_dir / 'portal.db'}"
        workers = args.sqlite_workers
    else:
        database_url, dropped = new_postgres_database(args.postgres)
        workers = args.postgres_workers
    env = portal_environment(checkout, database_url, data_dir, meili.url, oidc.url)
    if page_cache == "off":
        env["PORTAL_PAGE_CACHE_SECONDS"] = "0"
    try:
        prepare(checkout, env)
        portal = start_portal(checkout, env, workers, data_dir)
        try:
            rows = asyncio.run(
                measure_portal(portal, clients=args.clients, seconds=args.seconds, traffic=traffic)
            )
        finally:
            stop_portal(portal)
    finally:
        if dropped:
            drop_postgres_database(args.postgres, dropped)
    commit = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    print_table(
        f"{checkout} ({commit}{' + changes' if dirty else ''}), {database}, {workers} "
        f"process(es), {traffic} traffic, {args.clients} clients × {args.seconds:g} s per page"
        + (f", page cache {page_cache}" if page_cache else ""),
        rows,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--traffic", choices=["read", "mixed", "both"], default="read")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--sqlite-workers", type=int, default=1)
    parser.add_argument("--postgres-workers", type=int, default=2)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "PORTAL_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server URL; a fresh database is made on it and dropped after",
    )
    parser.add_argument("--before", type=Path, help="another checkout to measure first")
    parser.add_argument(
        "--page-cache",
        choices=["on", "off", "both"],
        default="on",
        help="this checkout with its page cache on (the default), off, or both in turn",
    )
    args = parser.parse_args()

    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    traffics = ["read", "mixed"] if args.traffic == "both" else [args.traffic]
    page_cache_settings = ["on", "off"] if args.page_cache == "both" else [args.page_cache]
    load = os.getloadavg()
    print(f"load average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        meili = start_meilisearch(port=free_port(), data_dir=tmp / "meili", master_key=MEILI_KEY)
        oidc_users = [{"sub": p.subject, "name": p.name, "email": p.email} for p in DEMO_PEOPLE]
        oidc = start_oidc_provider(port=free_port(), log_dir=tmp, users=oidc_users)
        services = (meili, oidc)
        try:
            for database in databases:
                for traffic in traffics:
                    if args.before:
                        run_one(args.before.resolve(), database, traffic, args, tmp, services)
                    for page_cache in page_cache_settings:
                        run_one(ROOT, database, traffic, args, tmp, services, page_cache)
        finally:
            meili.stop()
            oidc.stop()
    load = os.getloadavg()
    print(f"\nload average after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
