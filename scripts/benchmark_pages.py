"""Time the portal's pages against a bare page served by the same stack.

Starts its own Meilisearch and development OpenID provider, a fresh SQLite database
(or PORTAL_BENCH_DATABASE_URL), signs a member in, then requests each page N times
in-process and prints median and 95th percentile latency, and the SQL statements each
page runs, side by side with the floor: /healthz (a bare route through every middleware)
and a bare Starlette page with no middleware at all.

    .venv/bin/python scripts/benchmark_pages.py [--requests 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from sqlalchemy import event, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.responses import HTMLResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402

from app.config import OidcProviderConfig, Settings  # noqa: E402
from app.cpd import clock  # noqa: E402
from app.cpd.models import CpdEntry, CpdKind, CpdReflection, CpdStatus, ReflectionStatus  # noqa: E402
from app.db import transaction  # noqa: E402
from app.demo import seed_demo  # noqa: E402
from app.devstack import free_port, start_meilisearch, start_oidc_provider  # noqa: E402
from app.discussions.models import Post, Thread  # noqa: E402
from app.discussions.seed import seed_discussions  # noqa: E402
from app.main import create_app  # noqa: E402
from app.members.models import Member  # noqa: E402
from app.notifications.kinds import NotificationKind  # noqa: E402
from app.notifications.service import notify  # noqa: E402
from tests.support.database import upgrade_to_head  # noqa: E402


def measure(client: TestClient, path: str, requests: int) -> tuple[float, float]:
    for _ in range(10):
        client.get(path)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def add_notifications(db: Session, *, handle: str, count: int) -> None:
    """Reply notifications about the demo's public posts, so the list has full pages."""
    member_id = db.execute(select(Member.id).where(Member.handle == handle)).scalar_one()
    posts = db.execute(
        select(Post.id, Post.author_id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Thread.group_id.is_(None), Post.author_id != member_id)
    ).all()
    for index in range(count):
        post_id, author_id = posts[index % len(posts)]
        notify(
            db,
            member_id=member_id,
            kind=NotificationKind.REPLY,
            subject_type="post",
            subject_id=post_id,
            actor_id=author_id,
        )


def add_cpd_entries(db: Session, *, handle: str, count: int) -> None:
    """A year of recorded CPD, half of it discussed with a colleague."""
    member_id = db.execute(select(Member.id).where(Member.handle == handle)).scalar_one()
    colleague_id = db.execute(select(Member.id).where(Member.id != member_id)).scalars().first()
    assert colleague_id is not None
    for index in range(count):
        entry = CpdEntry(
            member_id=member_id,
            title=f"CPD entry {index}",
            happened_on=clock.london_today(),
            kind=CpdKind.COURSE,
            learning="What I learned.",
            impact="How it changes my practice.",
            status=CpdStatus.RECORDED,
        )
        db.add(entry)
        db.flush()
        if index % 2 == 0:
            db.add(
                CpdReflection(
                    entry_id=entry.id,
                    peer_id=colleague_id,
                    question="Does this fit?",
                    note="Yes.",
                    status=ReflectionStatus.NOTED,
                    answered_at=clock.now(),
                )
            )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        meili = start_meilisearch(
            port=free_port(), data_dir=tmp_dir / "meili", master_key="bench-key-0123456789"
        )
        oidc = start_oidc_provider(port=free_port(), log_dir=tmp_dir)
        try:
            database_url = f"sqlite:///{tmp_dir / 'bench.db'}"
            upgrade_to_head(database_url)
            settings = Settings(
                env="test",
                base_url="http://testserver",
                database_url=database_url,
                data_dir=tmp_dir,
                meili_url=meili.url,
                meili_master_key=SecretStr("bench-key-0123456789"),
                dev_oidc_issuer=oidc.url,
                oidc_providers=[
                    OidcProviderConfig(
                        name="dev",
                        label="Bench",
                        issuer=oidc.url,
                        client_id="bench",
                        client_secret=SecretStr("bench"),
                    )
                ],
                page_cache_seconds=0,  # each page built every time, as the floor's figures
                _env_file=None,  # type: ignore[call-arg]
            )
            app = create_app(settings)
            with transaction(app.state.session_factory) as db:
                seed_demo(db, settings=settings)
                seed_discussions(db)
            with transaction(app.state.session_factory) as db:
                add_notifications(db, handle="amara.okafor", count=60)
                add_cpd_entries(db, handle="amara.okafor", count=20)

            statements = 0

            @event.listens_for(app.state.engine, "before_cursor_execute")
            def _count(*_args: object) -> None:
                nonlocal statements
                statements += 1

            client = TestClient(app, base_url="http://testserver", follow_redirects=False)
            login = client.get("/auth/dev/login").headers["location"]
            callback = httpx.post(login, data={"sub": "amara.okafor"}).headers["location"]
            parts = urlsplit(callback)
            assert client.get(f"{parts.path}?{parts.query}").status_code == 303

            bare = TestClient(
                Starlette(routes=[Route("/", lambda _r: HTMLResponse("<p>bare</p>"))])
            )
            rows = [("bare Starlette page (floor)", *measure(bare, "/", args.requests), 0.0)]
            for label, path in [
                ("/healthz through all middleware", "/healthz"),
                ("sign-in page (anonymous)", "/auth/sign-in"),
                ("home page (signed in)", "/"),
                ("notifications, 25 of 60 (signed in)", "/notifications"),
                ("API notifications (signed in)", "/api/v1/notifications"),
                ("API /api/v1/me (signed in)", "/api/v1/me"),
                ("My CPD, 20 entries (signed in)", "/cpd"),
            ]:
                page_client = client if "signed in" in label else TestClient(app)
                statements = 0
                median, p95 = measure(page_client, path, args.requests)
                per_request = statements / (args.requests + 10)
                rows.append((label, median, p95, per_request))

            print(f"{args.requests} requests each, in-process (no network), SQLite")
            print(f"{'page':<34} {'median ms':>10} {'p95 ms':>8} {'SQL/request':>12}")
            for label, median, p95, sql in rows:
                print(f"{label:<34} {median:>10.2f} {p95:>8.2f} {sql:>12.1f}")
        finally:
            meili.stop()
            oidc.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
