"""Honest answers when something the portal needs is missing: a database outage is 503
with Retry-After (a page for people, problem JSON for the API), never a 500, and no error,
500 included, closes the client's keep-alive connection (checked on a real uvicorn server)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.devstack import free_port
from app.main import create_app
from app.security.sessions import session_cookie_name

UNREACHABLE_DATABASE = "postgresql://nobody@127.0.0.1:1/none"


@pytest.fixture
def portal_without_database(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings.model_copy(update={"database_url": UNREACHABLE_DATABASE}))

    @app.get("/auth/test-only-boom", include_in_schema=False)  # public: no database needed
    def boom() -> None:
        raise RuntimeError("a bug")

    yield app
    app.state.engine.dispose()


def test_a_database_outage_answers_503_with_retry_after(portal_without_database: FastAPI) -> None:
    client = TestClient(portal_without_database, follow_redirects=False)
    client.cookies.set(session_cookie_name(portal_without_database.state.settings), "a-session")
    page = client.get("/resources")
    assert page.status_code == 503
    assert page.headers["retry-after"] == "30"
    assert "cannot reach its database" in page.text
    assert page.headers["content-type"].startswith("text/html")
    api = client.get("/api/v1/resources")
    assert api.status_code == 503 and api.headers["retry-after"] == "30"
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["status"] == 503


class RunningServer:
    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, lifespan="off", log_level="critical"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> RunningServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def read_response(connection: socket.socket) -> tuple[int, bytes]:
    """One HTTP/1.1 response (with Content-Length) from a kept-alive connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(
        int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length")
    )
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        body += chunk
    assert not any(line.lower() == "connection: close" for line in lines), lines
    return int(lines[0].split()[1]), body[:length]


def test_errors_keep_the_connection_open(portal_without_database: FastAPI) -> None:
    cookie = session_cookie_name(portal_without_database.state.settings)
    with (
        RunningServer(portal_without_database) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection,
    ):
        statuses = []
        for path, session in [
            ("/auth/test-only-boom", ""),
            ("/resources", f"Cookie: {cookie}=x\r\n"),
            ("/search?q=nul%00", ""),
            ("/healthz", ""),
        ]:
            connection.sendall(f"GET {path} HTTP/1.1\r\nHost: testserver\r\n{session}\r\n".encode())
            status, _body = read_response(connection)
            statuses.append(status)
    assert statuses == [500, 503, 400, 200]
