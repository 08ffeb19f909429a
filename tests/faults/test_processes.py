"""``portal serve --workers N`` replaces a web process that dies, within its health-check
timeout, while the others go on answering (uvicorn's supervisor, started by our command
with a health-check timeout that fits a start-up under load)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.devstack import free_port
from tests.support.faults import ROOT, wait_until, worker_environment

pytestmark = pytest.mark.faults


def web_processes(parent: int) -> set[int]:
    """The supervisor's web processes (uvicorn spawns them through multiprocessing)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in command:
            found.add(int(stat.parent.name))
    return found


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_killed_web_process_is_replaced(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=worker_environment(settings),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    health = f"http://127.0.0.1:{port}/healthz"
    try:
        wait_until(lambda: len(web_processes(supervisor.pid)) == 2, timeout=60, what="2 processes")
        wait_until(lambda: answers(health), timeout=60, what="the portal to answer")
        before = web_processes(supervisor.pid)
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        assert answers(health)  # the other process goes on answering
        wait_until(
            lambda: len(web_processes(supervisor.pid) - {victim}) == 2,
            timeout=90,
            what="the killed process to be replaced",
        )
        assert victim not in web_processes(supervisor.pid)
        wait_until(lambda: answers(health), timeout=30, what="the portal to answer")
        assert supervisor.poll() is None
    finally:
        supervisor.send_signal(signal.SIGTERM)
        try:
            supervisor.wait(timeout=30)
        except subprocess.TimeoutExpired:
            supervisor.kill()
            supervisor.wait(timeout=10)
        log.close()
