"""The duplicate window of e-mail delivery, measured.

A message is sent twice only if the worker dies after the SMTP server accepted it and
before its Message-ID is on disk in the sent journal (app/notifications/mail.py,
SentJournal). This script times that step (append + fsync) for many messages, on the disk
of PORTAL_DATA_DIR (default: a temporary folder), and prints the window beside the one it
replaced: before, the "sent" record went straight to the database, so the window was the
length of any database outage plus the lease (a 20 s outage sent one e-mail twice).

    .venv/bin/python scripts/benchmark_mail_window.py [count]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.notifications.mail import SentJournal


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    base = Path(os.environ.get("PORTAL_DATA_DIR") or tempfile.mkdtemp(prefix="mail-window-"))
    journal = SentJournal(base / "mail" / f"window-{os.getpid()}.journal")
    timings = []
    for number in range(count):
        started = time.perf_counter()
        journal.add(f"<notification-{number}.benchmark@portal.test>")
        timings.append((time.perf_counter() - started) * 1000)
    journal.path.unlink()
    timings.sort()
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(f"messages journalled: {count} on {base}")
    print(
        f"duplicate window (server's 250 -> Message-ID on disk): median "
        f"{statistics.median(timings):.2f} ms, p99 {p99:.2f} ms, max {timings[-1]:.2f} ms"
    )
    print("before: the window was a database outage's length plus the lease (seconds to minutes)")
    print("floor: p99 under 50 ms")


if __name__ == "__main__":
    main()
