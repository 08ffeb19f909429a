"""Run text extraction in a child process with a wall-clock limit, a CPU limit and a memory
limit, so a hostile file can neither hang nor exhaust the portal.

The child sets its own CPU and memory limits first thing (a preexec_fn is unsafe in a
threaded server); the parent kills it when the wall-clock limit passes."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

WALL_SECONDS = 30
CPU_SECONDS = 20
MEMORY_BYTES = 768 * 1024 * 1024
MAX_OUTPUT_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Extracted:
    text: str | None
    error: str | None


def extract_text(
    path: Path,
    kind: str,
    *,
    wall_seconds: float = WALL_SECONDS,
) -> Extracted:
    try:
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "app.resources.extract_worker",
                str(path),
                kind,
                str(MEMORY_BYTES),
                str(CPU_SECONDS),
            ],
            capture_output=True,
            timeout=wall_seconds,
            check=False,
            cwd=Path(__file__).resolve().parent.parent.parent,
        )
    except subprocess.TimeoutExpired:
        return Extracted(None, f"reading the file took longer than {wall_seconds:.0f} seconds")
    if completed.returncode != 0 or not completed.stdout:
        reason = "it needed too much time or memory" if completed.returncode < 0 else "it failed"
        return Extracted(None, f"the text could not be read ({reason})")
    try:
        result = json.loads(completed.stdout[: MAX_OUTPUT_BYTES * 2])
    except ValueError:
        return Extracted(None, "the text could not be read (unreadable result)")
    if "error" in result:
        return Extracted(None, str(result["error"])[:500])
    return Extracted(str(result.get("text", "")), None)
