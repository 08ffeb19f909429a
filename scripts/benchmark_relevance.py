"""Relevance on the judged query set: top-1 and top-3 hit rates, MRR, and every miss.

Starts its own Meilisearch and a fresh SQLite database (PostgreSQL when
PORTAL_TEST_DATABASE_URL names a server), seeds the demo library as `portal seed --demo`
does (real PDF and DOCX files, their text read by the extraction worker), lets the worker
index everything, then searches each query of tests/judged_queries.json as an ordinary
demo member through the same query service as the search page.

    .venv/bin/python scripts/benchmark_relevance.py [--queries tests/judged_queries.json]

Prints figures beside the target; exits 1 when the top-3 rate is below it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pydantic import SecretStr  # noqa: E402

from app.config import Settings  # noqa: E402
from app.devstack import free_port, start_meilisearch  # noqa: E402
from app.main import create_app  # noqa: E402
from tests.support.database import fresh_database, upgrade_to_head  # noqa: E402
from tests.support.relevance import (  # noqa: E402
    JUDGED_QUERIES,
    judge,
    load_judged_set,
    seed_and_index,
)

KEY = "relevance-master-key-0123456789"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=Path, default=JUDGED_QUERIES)
    args = parser.parse_args()
    judged_set = load_judged_set(args.queries)

    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp)) as database_url:
        tmp_dir = Path(tmp)
        upgrade_to_head(database_url)
        meili = start_meilisearch(port=free_port(), data_dir=tmp_dir / "meili", master_key=KEY)
        settings = Settings(
            env="test",
            secret_key=SecretStr("relevance-secret-key-that-is-long-enough"),
            base_url="http://127.0.0.1",
            data_dir=tmp_dir,
            database_url=database_url,
            meili_url=meili.url,
            meili_master_key=SecretStr(KEY),
            meili_index_prefix="relevance",
            _env_file=None,  # type: ignore[call-arg]
        )
        app = create_app(settings)
        try:
            started = time.perf_counter()
            seed_and_index(app)
            print(f"demo library seeded and indexed in {time.perf_counter() - started:.0f} s")
            report = judge(app, judged_set)
            for line in report.lines():
                print(line)
        finally:
            meili.stop()
            app.state.engine.dispose()
    return 0 if report.rate(3) >= report.target_top3 else 1


if __name__ == "__main__":
    sys.exit(main())
