"""Many members at once against a real server (``portal serve``, uvicorn, one process):
readers and writers together finish without a 5xx. On SQLite, pages read in deferred
transactions and only writes queue for the write lock (app/db.py, docs/decisions.md)."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from app.config import Settings
from app.devstack import free_port
from app.main import create_app
from app.security.sessions import session_cookie_name
from tests.support.faults import ROOT, wait_until, worker_environment
from tests.support.flows import csrf_token
from tests.support.portal import MakeMember, add_thread
from tests.support.sessions import start_member_session

READERS = 16
WRITERS = 4
READS_EACH = 12
WRITES_EACH = 8
PAGES = ("/", "/discussions", "{thread}", "/resources", "/events", "/groups", "/notifications")


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[str]:
    """The portal in its own uvicorn process, on the test database. Replies are not rate
    limited here: this test is about the database lock, test_rate_limits about limits."""
    port = free_port()
    env = worker_environment(settings) | {
        "PORTAL_RATE_LIMITS": '{"reply": "1000/minute"}',
        "PORTAL_PAGE_CACHE_SECONDS": "60",  # as in production: readers and writers meet it
    }
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(answers, timeout=60, what="the portal to answer")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


async def _read(client: httpx.AsyncClient, paths: list[str], statuses: Counter[int]) -> None:
    for number in range(READS_EACH):
        response = await client.get(paths[number % len(paths)])
        statuses[response.status_code] += 1


FORM_TOKEN = re.compile(r'name="csrftoken" value="([^"]+)"')


async def _write(client: httpx.AsyncClient, thread_id: str, statuses: Counter[int]) -> None:
    found = FORM_TOKEN.search((await client.get("/")).text)
    assert found, "the page carries its session's CSRF token"
    token = found.group(1)
    for number in range(WRITES_EACH):
        response = await client.post(
            f"/api/v1/discussions/threads/{thread_id}/posts",
            json={"body": f"Reply {number} from a busy afternoon."},
            headers={"X-CSRFToken": token},
        )
        statuses[response.status_code] += 1


async def _crowd(
    url: str, cookie: str, tokens: list[str], thread_id: str
) -> tuple[Counter[int], Counter[int]]:
    reads: Counter[int] = Counter()
    writes: Counter[int] = Counter()
    clients = [
        httpx.AsyncClient(base_url=url, cookies={cookie: token}, timeout=60) for token in tokens
    ]
    try:
        for client in clients:
            assert (await client.get("/")).status_code == 200
        paths = [page.format(thread=f"/discussions/t/{thread_id}") for page in PAGES]
        await asyncio.gather(
            *(_read(client, paths, reads) for client in clients[:READERS]),
            *(_write(client, thread_id, writes) for client in clients[READERS:]),
        )
    finally:
        for client in clients:
            await client.aclose()
    return reads, writes


def test_sixteen_readers_and_four_writers_get_no_server_error(
    app: FastAPI, make: MakeMember, server: str, settings: Settings
) -> None:
    members = [make(f"Crowd Member {number}") for number in range(READERS + WRITERS)]
    thread_id, _opening = add_thread(app, members[0].id, "Busy thread", "Who is around?")
    tokens = [start_member_session(app, member) for member in members]

    # its own thread and event loop: the browser tests may leave one running in this thread
    with ThreadPoolExecutor(max_workers=1) as runner:
        crowd = _crowd(server, session_cookie_name(settings), tokens, thread_id)
        reads, writes = runner.submit(asyncio.run, crowd).result()

    assert sum(reads.values()) == READERS * READS_EACH
    assert sum(writes.values()) == WRITERS * WRITES_EACH
    assert dict(reads) == {200: READERS * READS_EACH}
    assert dict(writes) == {201: WRITERS * WRITES_EACH}


def test_a_write_that_cannot_get_the_lock_in_time_answers_503_with_retry_after(
    app: FastAPI, make: MakeMember, settings: Settings
) -> None:
    """Another connection holds SQLite's write lock past the busy timeout (shortened here
    to half a second): the reply is refused with 503 and Retry-After, nothing is saved,
    and a page that only reads is still served."""
    if not settings.resolved_database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    impatient = create_app(settings.model_copy(update={"sqlite_busy_timeout_seconds": 0.5}))
    author = make("Locked Out")
    thread_id, _opening = add_thread(app, author.id, "Quiet thread", "Anyone?")
    token = start_member_session(app, author)
    lock_holder = create_engine(settings.resolved_database_url)
    with TestClient(impatient, base_url="http://testserver", follow_redirects=False) as browser:
        browser.cookies.set(session_cookie_name(settings), token)
        csrf = csrf_token(browser)
        with lock_holder.connect() as writer:
            writer.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                refused = browser.post(
                    f"/api/v1/discussions/threads/{thread_id}/posts",
                    json={"body": "Is this saved?"},
                    headers={"X-CSRFToken": csrf},
                )
                page = browser.get(f"/discussions/t/{thread_id}")
            finally:
                writer.exec_driver_sql("ROLLBACK")
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "5"
        assert refused.headers["content-type"] == "application/problem+json"
        assert "busy" in refused.json()["detail"]
        assert page.status_code == 200
        thread = browser.get(f"/api/v1/discussions/threads/{thread_id}").json()
        assert [post["body_markdown"] for post in thread["posts"]] == ["Anyone?"]
    lock_holder.dispose()
    impatient.state.engine.dispose()
