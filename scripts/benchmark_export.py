"""Memory of a member's export: the peak while the ZIP is produced, beside its size.

Builds a SQLite database in a temporary folder (``alembic upgrade head``), gives one
member a thread and N posts, and streams their export (app/privacy/export.py) to nowhere,
measuring the peak of Python's traced memory (tracemalloc) and the time. The floor is
stream-zip alone compressing the same number of JSON bytes from a generator that holds
nothing: what any streamed ZIP costs. A flat export shows the same peak at every size.

    .venv/bin/python scripts/benchmark_export.py [--posts 1000 10000 50000]
"""

from __future__ import annotations

import argparse
import stat
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from stream_zip import ZIP_64, stream_zip  # noqa: E402

from app.db import make_engine, make_session_factory, transaction, utcnow  # noqa: E402
from app.discussions.models import Category, Post, Thread  # noqa: E402
from app.members.models import Member  # noqa: E402
from app.privacy.export import export_chunks  # noqa: E402
from app.resources.storage import LocalFileStorage  # noqa: E402
from tests.support.database import upgrade_to_head  # noqa: E402

BODY = "A reply that says what worked with a family group conference, at some length. " * 6


def add_posts(factory, member_id: str, thread_id: str, first: int, count: int) -> None:
    with transaction(factory) as db:
        for start in range(first, first + count, 5000):
            stop = min(start + 5000, first + count)
            db.execute(
                insert(Post),
                [
                    {
                        "id": f"00000000-0000-0000-0000-{n:012d}",
                        "thread_id": thread_id,
                        "number": n + 2,
                        "author_id": member_id,
                        "body_markdown": BODY,
                        "body_html": f"<p>{BODY}</p>",
                        "created_at": utcnow(),
                        "edit_count": 0,
                    }
                    for n in range(start, stop)
                ],
            )


def measure(chunks: Iterator[bytes]) -> tuple[int, int, float]:
    tracemalloc.start()
    started = time.perf_counter()
    size = sum(len(chunk) for chunk in chunks)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, size, seconds


def floor_chunks(json_bytes: int) -> Iterator[bytes]:
    piece = (BODY * 80).encode()

    def data() -> Iterator[bytes]:
        sent = 0
        while sent < json_bytes:
            yield piece
            sent += len(piece)

    return iter(stream_zip([("posts.json", utcnow(), stat.S_IFREG | 0o600, ZIP_64, data())]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade_to_head(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        with transaction(factory) as db:
            member = Member(display_name="Paula Prolific", email="paula@example.org")
            category = Category(slug="practice", name="Practice")
            db.add_all([member, category])
            db.flush()
            thread = Thread(category_id=category.id, author_id=member.id, title="Long")
            db.add(thread)
            db.flush()
            member_id, thread_id = member.id, thread.id
        storage = LocalFileStorage(Path(folder) / "files")
        print(
            f"{'posts':>8} {'zip size':>12} {'peak memory':>12} {'floor peak':>11} {'seconds':>8}"
        )
        have = 0
        for wanted in sorted(args.posts):
            add_posts(factory, member_id, thread_id, have, wanted - have)
            have = wanted
            with transaction(factory) as db:
                peak, size, seconds = measure(export_chunks(db, storage, member_id, when=utcnow()))
            json_bytes = wanted * (len(BODY) + 200)
            floor_peak, _floor_size, _floor_seconds = measure(floor_chunks(json_bytes))
            print(
                f"{wanted:>8} {size / 1e6:>10.2f}MB {peak / 1e6:>10.2f}MB "
                f"{floor_peak / 1e6:>9.2f}MB {seconds:>8.2f}"
            )
        engine.dispose()


if __name__ == "__main__":
    main()
