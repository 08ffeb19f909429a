"""Memory of a 25 MB upload: how much the portal process grows, beside the floor, for the
library's upload and a post attachment's.

Starts the portal (uvicorn, SQLite in a temporary folder) and, as the floor, a bare
Starlette app whose only route parses the same multipart body and discards it. Each is
sent the same 25 MB file, streamed from disk, and the server's resident memory (VmRSS)
and peak (VmHWM) are read from /proc before and after.

    .venv/bin/python scripts/benchmark_upload.py [--megabytes 25]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from app.db import make_engine, make_session_factory, transaction  # noqa: E402
from app.devstack import free_port  # noqa: E402
from app.members.models import Member  # noqa: E402
from app.members.reference_data import ensure_partner_organisations  # noqa: E402
from app.members.tokens import create_token  # noqa: E402
from app.topics.reference_data import ensure_topics  # noqa: E402
from tests.support.database import upgrade_to_head  # noqa: E402

FLOOR_APP = """
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

async def upload(request):
    form = await request.form()
    await form.close()
    return PlainTextResponse("ok", status_code=201)

app = Starlette(routes=[Route("/upload", upload, methods=["POST"])])
"""


def memory_kb(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def serve(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not start")


RESOURCE_FIELDS = {"title": "Big", "summary": "A big file", "type": "tool_or_template"}


def measure(
    url: str,
    pid: int,
    path: Path,
    headers: dict[str, str],
    *,
    file_field: str = "files",
    fields: dict[str, str] | None = None,
) -> tuple[dict[str, int], dict[str, int], int]:
    before = memory_kb(pid)
    with path.open("rb") as handle:
        response = httpx.post(
            url,
            files={file_field: (path.name, handle)},
            data=RESOURCE_FIELDS if fields is None else fields,
            headers=headers,
            timeout=120,
        )
    after = memory_kb(pid)
    return before, after, response.status_code


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = folder / "big.csv"
        line = b"case,worker,visit date,notes\n" * 1000
        with big.open("wb") as handle:
            while handle.tell() < args.megabytes * 1024 * 1024 - len(line):
                handle.write(line)
        database_url = f"sqlite:///{folder / 'bench.db'}"
        upgrade_to_head(database_url)
        factory = make_session_factory(make_engine(database_url))
        with transaction(factory) as db:
            ensure_partner_organisations(db)
            ensure_topics(db)
            member = Member(display_name="Bench Mark", email="bench@example.org")
            db.add(member)
            db.flush()
            _token, secret = create_token(db, actor=member, name="benchmark")

        env = {
            **os.environ,
            "PORTAL_DATABASE_URL": database_url,
            "PORTAL_DATA_DIR": str(folder),
            "PORTAL_ENV": "test",
        }
        portal_port, floor_port = free_port(), free_port()
        python = sys.executable
        portal = serve(
            [
                python,
                "-m",
                "uvicorn",
                "app.main:create_app",
                "--factory",
                "--port",
                str(portal_port),
                "--log-level",
                "warning",
            ],
            env,
            portal_port,
        )
        floor_module = folder / "floor_app.py"
        floor_module.write_text(FLOOR_APP)
        floor_env = {**env, "PYTHONPATH": str(folder)}
        floor = subprocess.Popen(
            [
                python,
                "-m",
                "uvicorn",
                "floor_app:app",
                "--port",
                str(floor_port),
                "--log-level",
                "warning",
            ],
            env=floor_env,
            stderr=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        time.sleep(2)
        try:
            bearer = {"Authorization": f"Bearer {secret}"}
            # a first request, so the portal has loaded what every request needs
            httpx.get(f"http://127.0.0.1:{portal_port}/api/v1/me", headers=bearer)
            rows = [
                (
                    "bare Starlette multipart (floor)",
                    *measure(f"http://127.0.0.1:{floor_port}/upload", floor.pid, big, {}),
                ),
                (
                    "portal POST /api/v1/resources",
                    *measure(
                        f"http://127.0.0.1:{portal_port}/api/v1/resources", portal.pid, big, bearer
                    ),
                ),
                (
                    "portal POST .../discussions/attachments",
                    *measure(
                        f"http://127.0.0.1:{portal_port}/api/v1/discussions/attachments",
                        portal.pid,
                        big,
                        bearer,
                        file_field="file",
                        fields={},
                    ),
                ),
            ]
        finally:
            portal.terminate()
            floor.terminate()
        size_mb = big.stat().st_size / (1024 * 1024)
        print(f"upload of {size_mb:.1f} MB, streamed from disk; server memory in MB")
        print(
            f"{'server':<40} {'status':>6} {'RSS before':>10} {'RSS after':>10} "
            f"{'growth':>7} {'peak':>7}"
        )
        for label, before, after, status in rows:
            growth = (after["VmRSS"] - before["VmRSS"]) / 1024
            print(
                f"{label:<40} {status:>6} {before['VmRSS'] / 1024:>10.1f} "
                f"{after['VmRSS'] / 1024:>10.1f} {growth:>7.1f} {after['VmHWM'] / 1024:>7.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
