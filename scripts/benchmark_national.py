"""The pages at national scale beside the same pages at the 5,000-member size.

Needs two PostgreSQL databases built by scripts/seed_national.py (``--scale 0.05`` for
the small one). Signs in as ``bench.member`` (a member of 20 groups; the admin pages as
``bench.admin``) by creating a session row directly, since the sign-in flow is not what
is measured, then requests each page in-process (no network), alternating between the
two databases so both see the same machine load, and prints p50, p95 and SQL statements
per request side by side, with the ratio of the p95s.

Long lists are measured on page 1 and page 500 (or the last page, if a list is shorter).
The cursor for page 500 is found by asking the same page for 499 x 25 rows once.

Meilisearch is started empty: the search page's figure is its own work around an answer
(search at national size is scripts/benchmark_search.py's).

    .venv/bin/python scripts/benchmark_national.py [--requests 40]
        [--national postgresql://postgres@127.0.0.1:5432/portal_national]
        [--small postgresql://postgres@127.0.0.1:5432/portal_national_5k]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db import transaction  # noqa: E402
from app.devstack import free_port, start_meilisearch  # noqa: E402
from app.discussions.models import Category, Thread  # noqa: E402
from app.events.models import Event  # noqa: E402
from app.main import create_app  # noqa: E402
from app.members.models import Member  # noqa: E402
from app.resources.models import Resource  # noqa: E402
from app.security.sessions import session_cookie_name, start_session  # noqa: E402
from app.web.pagination import PAGE_SIZE  # noqa: E402

NATIONAL_URL = "postgresql://postgres@127.0.0.1:5432/portal_national"
SMALL_URL = "postgresql://postgres@127.0.0.1:5432/portal_national_5k"
MEILI_KEY = "bench-key-0123456789"
FAR_PAGE = 500
NEXT_LINK = re.compile(r'href="\?([^"]*after=[^"&]+[^"]*)" rel="next"')


@dataclass(frozen=True)
class Figure:
    p50: float
    p95: float
    statements: float
    status: int


def single_pages(ids: dict[str, str]) -> list[tuple[str, str, str]]:
    """(label, path, who) for the pages of issue 20 item 2."""
    return [
        ("home", "/", "member"),
        ("discussions", "/discussions", "member"),
        ("a thread", f"/discussions/t/{ids['thread']}", "member"),
        ("resources", "/resources", "member"),
        ("a resource", f"/resources/{ids['resource']}", "member"),
        ("events", "/events", "member"),
        ("an event", f"/events/{ids['event']}", "member"),
        ("groups", "/groups", "member"),
        ("search page", "/search?q=supervision", "member"),
        ("notifications", "/notifications", "member"),
    ]


def long_lists(ids: dict[str, str]) -> list[tuple[str, str, str]]:
    """(label, path, who) of the keyset-paged lists, page 1 and page 500 each."""
    return [
        ("threads, all (API)", "/api/v1/discussions/threads", "member"),
        ("threads, unanswered", "/discussions/unanswered", "member"),
        ("threads of a category", f"/discussions/c/{ids['category']}", "member"),
        ("resources, newest", "/resources", "member"),
        ("resources, by title", "/resources?sort=title", "member"),
        ("events, past", "/events?when=past", "member"),
        ("members directory", "/members", "member"),
        ("notifications", "/notifications", "member"),
        ("opportunities", "/opportunities", "member"),
        ("audit log", "/admin/audit", "admin"),
        ("admin members", "/admin/members", "admin"),
        ("moderation queue", "/moderation/reports", "admin"),
    ]


@contextmanager
def portal(database_url: str, meili_url: str, data_dir: Path) -> Iterator[Any]:
    settings = Settings(
        env="test",
        base_url="http://testserver",
        database_url=database_url,
        data_dir=data_dir,
        meili_url=meili_url,
        meili_master_key=SecretStr(MEILI_KEY),
        page_cache_seconds=0,  # each page built every time: the national size is the question
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings)
    try:
        yield app, settings
    finally:
        app.state.engine.dispose()


def signed_in(app: Any, settings: Settings, handle: str) -> TestClient:
    with transaction(app.state.session_factory) as db:
        member = db.execute(select(Member).where(Member.handle == handle)).scalar_one()
        token = start_session(
            db, member=member, provider_name="bench", id_token=None, settings=settings
        )
    client = TestClient(app, base_url="http://testserver", follow_redirects=False)
    client.cookies.set(session_cookie_name(settings), token)
    return client


def sample_ids(app: Any) -> dict[str, str]:
    """A public thread, resource and event, and the public category with most threads."""
    with transaction(app.state.session_factory) as db:
        category = db.execute(
            select(Category.slug)
            .join(Thread, Thread.category_id == Category.id)
            .where(Category.group_id.is_(None))
            .group_by(Category.slug)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
        return {
            "thread": db.execute(
                select(Thread.id).where(Thread.group_id.is_(None)).order_by(Thread.id).limit(1)
            ).scalar_one(),
            "resource": db.execute(
                select(Resource.id)
                .where(Resource.group_id.is_(None))
                .order_by(Resource.id)
                .limit(1)
            ).scalar_one(),
            "event": db.execute(
                select(Event.id).where(Event.group_id.is_(None)).order_by(Event.id).limit(1)
            ).scalar_one(),
            "category": category,
        }


@contextmanager
def page_size(size: int) -> Iterator[None]:
    """Every view module's PAGE_SIZE set to ``size`` for a moment (to find page 500)."""
    patched = [
        module
        for module in list(sys.modules.values())
        if getattr(module, "PAGE_SIZE", None) == PAGE_SIZE
        and getattr(module, "__name__", "").startswith("app.")
    ]
    for module in patched:
        module.PAGE_SIZE = size  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module in patched:
            module.PAGE_SIZE = PAGE_SIZE  # type: ignore[attr-defined]


def far_page(client: TestClient, path: str) -> tuple[str, int]:
    """The path of page FAR_PAGE (or of the last page) and its number."""
    rows_before = (FAR_PAGE - 1) * PAGE_SIZE
    with page_size(rows_before):
        response = client.get(path)
    joiner = "&" if "?" in path else "?"
    bare = path.split("?")[0]
    if path.startswith("/api/"):
        cursor = response.json().get("next_cursor")
        if cursor:
            return f"{path}{joiner}after={cursor}", FAR_PAGE
    else:
        found = NEXT_LINK.search(response.text)
        if found:
            return f"{bare}?{found.group(1).replace('&amp;', '&')}", FAR_PAGE
    return last_page(client, path)


def last_page(client: TestClient, path: str) -> tuple[str, int]:
    """Follow the Next links to the end of a list shorter than FAR_PAGE pages."""
    number, current = 1, path
    bare = path.split("?")[0]
    while True:
        response = client.get(current)
        if current.startswith("/api/"):
            cursor = response.json().get("next_cursor")
            following = f"{bare}?after={cursor}" if cursor else None
        else:
            found = NEXT_LINK.search(response.text)
            following = f"{bare}?{found.group(1).replace('&amp;', '&')}" if found else None
        if following is None:
            return current, number
        number, current = number + 1, following


@dataclass
class Side:
    """One database's portal: its signed-in clients, sample ids and statement counter."""

    clients: dict[str, TestClient]
    ids: dict[str, str]
    counter: list[int]


def open_side(app: Any, settings: Settings) -> Side:
    counter = [0]

    @event.listens_for(app.state.engine, "before_cursor_execute")
    def _count(*_args: object) -> None:
        counter[0] += 1

    clients = {
        "member": signed_in(app, settings, "bench.member"),
        "admin": signed_in(app, settings, "bench.admin"),
    }
    return Side(clients, sample_ids(app), counter)


def measure_pair(
    sides: tuple[Side, Side], who: str, paths: tuple[str, str], requests: int
) -> tuple[Figure, Figure]:
    """Both databases' page, requested alternately, so both see the same machine load."""
    timings: tuple[list[float], list[float]] = ([], [])
    statements, statuses = [0, 0], [0, 0]
    for side, path in zip(sides, paths, strict=True):
        for _ in range(3):
            side.clients[who].get(path)
    for _ in range(requests):
        for index, (side, path) in enumerate(zip(sides, paths, strict=True)):
            side.counter[0] = 0
            started = time.perf_counter()
            response = side.clients[who].get(path)
            timings[index].append((time.perf_counter() - started) * 1000)
            statements[index] += side.counter[0]
            statuses[index] = response.status_code
    figures = []
    for index in (0, 1):
        ordered = sorted(timings[index])
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        figures.append(
            Figure(statistics.median(ordered), p95, statements[index] / requests, statuses[index])
        )
    return figures[0], figures[1]


Row = tuple[str, Figure, str, Figure, str]


def run(small_url: str, national_url: str, meili_url: str, requests: int) -> list[Row]:
    rows: list[Row] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        portal(small_url, meili_url, Path(tmp) / "small") as (small_app, small_settings),
        portal(national_url, meili_url, Path(tmp) / "national") as (app, settings),
    ):
        sides = (open_side(small_app, small_settings), open_side(app, settings))
        pages = zip(single_pages(sides[0].ids), single_pages(sides[1].ids), strict=True)
        for (label, small_path, who), (_label, national_path, _who) in pages:
            small, national = measure_pair(sides, who, (small_path, national_path), requests)
            rows.append((label, small, "", national, ""))
        lists = zip(long_lists(sides[0].ids), long_lists(sides[1].ids), strict=True)
        for (label, small_path, who), (_label, national_path, _who) in lists:
            small, national = measure_pair(sides, who, (small_path, national_path), requests)
            rows.append((f"{label}: page 1", small, "", national, ""))
            small_far, small_number = far_page(sides[0].clients[who], small_path)
            national_far, national_number = far_page(sides[1].clients[who], national_path)
            small, national = measure_pair(sides, who, (small_far, national_far), requests)
            rows.append(
                (
                    f"{label}: page {FAR_PAGE}",
                    small,
                    "" if small_number == FAR_PAGE else f"(last page, {small_number})",
                    national,
                    "" if national_number == FAR_PAGE else f"(last page, {national_number})",
                )
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--national", default=NATIONAL_URL)
    parser.add_argument("--small", default=SMALL_URL)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        meili = start_meilisearch(
            port=free_port(), data_dir=Path(tmp) / "meili", master_key=MEILI_KEY
        )
        try:
            rows = run(args.small, args.national, meili.url, args.requests)
        finally:
            meili.stop()
    print(
        f"{args.requests} requests a page, alternating between the databases, in-process, "
        "PostgreSQL; ms; SQL = statements a page"
    )
    print(
        f"{'page':<36} {'5k p50':>7} {'p95':>7} {'SQL':>5}   "
        f"{'nat p50':>7} {'p95':>7} {'SQL':>5}  {'p95 x':>5}"
    )
    for label, small, small_note, national, national_note in rows:
        ratio = national.p95 / small.p95 if small.p95 else 0.0
        notes = [f"5k {small_note}" if small_note else "", national_note]
        if not small.status == national.status == 200:
            notes.append(f"status {small.status}/{national.status}")
        flags = " ".join(note for note in notes if note)
        print(
            f"{label:<36} {small.p50:>7.1f} {small.p95:>7.1f} {small.statements:>5.1f}   "
            f"{national.p50:>7.1f} {national.p95:>7.1f} {national.statements:>5.1f}  "
            f"{ratio:>5.2f}" + (f"  {flags}" if flags else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
