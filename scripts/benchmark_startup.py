"""How long a new web process takes to become able to answer: importing the application
and building it (``create_app()``), each in a fresh interpreter, several times. uvicorn's
multi-process supervisor kills a new process that has not answered its health check within
``timeout_worker_healthcheck`` (5 s by default; ``portal serve`` sets 30 s): a start-up
near that limit under load is a process that is never replaced.

    .venv/bin/python scripts/benchmark_startup.py [runs]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR_SECONDS = 1.5

PROBE = """
import json, time
started = time.perf_counter()
from app.main import create_app
imported = time.perf_counter()
from app.config import Settings
create_app(Settings(_env_file=None))
built = time.perf_counter()
timings = {"import": imported - started, "build": built - imported}
print(json.dumps({**timings, "total": built - started}))
"""


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env["PYTHONPATH"] = str(ROOT)
    results = []
    for _run in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", PROBE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    for part in ("import", "build", "total"):
        values = [result[part] for result in results]
        print(f"{part:>6}: median {statistics.median(values):.2f} s, max {max(values):.2f} s")
    print(f" floor: total under {FLOOR_SECONDS:.1f} s ({runs} fresh interpreters)")


if __name__ == "__main__":
    main()
