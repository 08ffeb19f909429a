"""Tools to break things for real in the fault-injection suite (tests/faults/): a TCP proxy
that can cut a server off (the database "stops": every connection is dropped and new ones
are refused), the ``portal worker`` as a separate process, and a small full disk.

The proxy stands for stopping PostgreSQL: the suite shares one PostgreSQL server with
other test runs, so it cuts the portal off from it rather than stopping it; to the portal
the two are the same (connections reset, connects refused)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from app.config import Settings
from app.devstack import free_port

ROOT = Path(__file__).resolve().parent.parent.parent


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.cut_off = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            if self.cut_off.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update({client, upstream})
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            with self._lock:
                self._sockets.discard(source)
                self._sockets.discard(sink)

    def cut(self) -> None:
        """The server is gone: open connections drop, new ones are refused."""
        self.cut_off.set()
        with self._lock:
            sockets = list(self._sockets)
        for end in sockets:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        self.cut_off.clear()

    def close(self) -> None:
        self._closed = True
        self.cut()
        self._listener.close()

    def url_for(self, database_url: str) -> str:
        return (
            make_url(database_url)
            .set(host="127.0.0.1", port=self.port)
            .render_as_string(hide_password=False)
        )


def worker_environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        PORTAL_ENV="test",
        PORTAL_SECRET_KEY=settings.secret_key.get_secret_value(),
        PORTAL_BASE_URL=settings.base_url,
        PORTAL_DATA_DIR=str(settings.data_dir),
        PORTAL_FILES_DIR=str(settings.resolved_files_dir),
        PORTAL_DATABASE_URL=settings.resolved_database_url,
        PORTAL_MEILI_URL=settings.meili_url,
        PORTAL_MEILI_MASTER_KEY=settings.meili_master_key.get_secret_value(),
        PORTAL_MEILI_INDEX_PREFIX=settings.meili_index_prefix,
        PORTAL_SMTP_HOST=settings.smtp_host,
        PORTAL_SMTP_PORT=str(settings.smtp_port),
        PORTAL_MAIL_FROM=settings.mail_from,
    )
    return env


class WorkerProcess:
    """``portal worker`` in its own process, with a short lease and wait so a test sees
    rows run again within seconds."""

    def __init__(self, settings: Settings, log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.cli",
                "worker",
                "--poll-seconds",
                "0.2",
                "--lease-seconds",
                "3",
                "--wait-seconds",
                "1",
            ],
            cwd=ROOT,
            env=worker_environment(settings),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def wait_until(condition: object, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")


@contextlib.contextmanager
def small_disk(path: Path, size: str = "1m") -> Iterator[bool]:
    """A real filesystem of ``size`` at ``path`` (tmpfs; needs root): yields True when it
    could be mounted, False when the test must fall back to simulating a full disk."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
        if hasattr(os, "geteuid") and os.geteuid() == 0
        else False
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)
