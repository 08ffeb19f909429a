"""The ``portal`` command, run as a real process against a fresh database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db import make_engine, make_session_factory, utcnow
from app.devstack import RunningService
from app.members.models import AdminInvitation, Member, Organisation
from app.members.reference_data import PARTNER_LOCAL_AUTHORITIES
from app.outbox.models import OutboxMessage
from app.search.engine import SearchEngine
from tests.conftest import MEILI_TEST_KEY
from tests.support.database import fresh_database

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli_env(tmp_path: Path, meilisearch: RunningService) -> Iterator[dict[str, str]]:
    with fresh_database(tmp_path) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        env.update(
            PORTAL_DATABASE_URL=url,
            PORTAL_MEILI_URL=meilisearch.url,
            PORTAL_MEILI_MASTER_KEY=MEILI_TEST_KEY,
            PORTAL_MEILI_INDEX_PREFIX="clitest",
            PORTAL_DATA_DIR=str(tmp_path),
        )
        yield env


def portal(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_upgrade_seed_grant_and_worker(cli_env: dict[str, str]) -> None:
    assert portal(cli_env, "db", "upgrade").returncode == 0
    seeded = portal(cli_env, "seed", "--demo")
    assert seeded.returncode == 0, seeded.stderr
    assert "amara.okafor" in seeded.stdout
    assert "demo resources: 37 added" in seeded.stdout
    assert "demo events: 7 added" in seeded.stdout
    assert "demo discussion threads: 5 added" in seeded.stdout
    assert "demo groups: 4 added" in seeded.stdout
    assert re.search(r"demo notifications: [1-9]\d* added", seeded.stdout), seeded.stdout
    again = portal(cli_env, "seed", "--demo")
    assert "partner organisations: 0 created" in again.stdout
    assert "demo resources: 0 added" in again.stdout
    assert "demo discussion threads: 0 added" in again.stdout
    assert "demo notifications: 0 added" in again.stdout

    granted = portal(cli_env, "admin", "grant", "Tom.Hargreaves@sheffield.gov.uk")
    assert granted.returncode == 0, granted.stderr
    invited = portal(cli_env, "admin", "grant", "Newcomer@Example.org")
    assert invited.returncode == 0, invited.stderr
    assert "newcomer@example.org will be an admin from their first sign-in" in invited.stdout
    nonsense = portal(cli_env, "admin", "grant", "not-an-address")
    assert nonsense.returncode == 1
    assert "is not an e-mail address" in nonsense.stderr

    engine = make_engine(cli_env["PORTAL_DATABASE_URL"])
    with make_session_factory(engine)() as db:
        names = set(db.execute(select(Organisation.name)).scalars())
        assert set(PARTNER_LOCAL_AUTHORITIES) <= names
        tom = db.execute(select(Member).where(Member.display_name == "Tom Hargreaves")).scalar_one()
        assert tom.is_admin
        assert db.get(AdminInvitation, "newcomer@example.org") is not None
        db.add(OutboxMessage(topic="nobody.handles.this", payload={}))
        db.commit()

    worked = portal(cli_env, "worker", "--once")
    assert worked.returncode == 0, worked.stderr
    with make_session_factory(engine)() as db:
        message = db.execute(
            select(OutboxMessage).where(OutboxMessage.topic == "nobody.handles.this")
        ).scalar_one()
        # no worker handles this topic: the row waits, untouched, for one that does
        assert message.attempts == 0 and message.processed_at is None
        extractions = db.execute(
            select(OutboxMessage).where(OutboxMessage.topic == "resources.extract")
        ).scalars()
        assert all(row.processed_at is not None for row in extractions)
    engine.dispose()


def test_search_reindex_applies_index_settings(cli_env: dict[str, str]) -> None:
    assert portal(cli_env, "db", "upgrade").returncode == 0
    result = portal(cli_env, "search", "reindex")
    assert result.returncode == 0, result.stderr
    assert "index clitest_content:" in result.stdout and "swapped in" in result.stdout
    client = SearchEngine(
        url=cli_env["PORTAL_MEILI_URL"], master_key=MEILI_TEST_KEY, index_prefix="clitest"
    ).client()
    settings = client.index("clitest_content").get_settings()
    assert settings["searchableAttributes"][:3] == ["title", "title_stem", "summary"]


def test_search_reindex_reports_meilisearch_down(cli_env: dict[str, str]) -> None:
    result = portal({**cli_env, "PORTAL_MEILI_URL": "http://127.0.0.1:1"}, "search", "reindex")
    assert result.returncode == 1
    assert "Meilisearch at http://127.0.0.1:1 is unreachable" in result.stderr


def test_production_refusal_from_the_command(cli_env: dict[str, str]) -> None:
    result = portal({**cli_env, "PORTAL_ENV": "production"}, "db", "upgrade")
    assert result.returncode == 2
    assert "refusing to start in production" in result.stderr


def test_outbox_retry_and_status(cli_env: dict[str, str]) -> None:
    assert portal(cli_env, "db", "upgrade").returncode == 0
    engine = make_engine(cli_env["PORTAL_DATABASE_URL"])
    with make_session_factory(engine)() as db:
        failed = [
            OutboxMessage(topic="demo", payload={"n": n}, attempts=8, failed_at=utcnow())
            for n in range(3)
        ]
        db.add_all(failed)
        db.commit()
        first_id = failed[0].id
    status = portal(cli_env, "outbox", "status")
    assert status.returncode == 0, status.stderr
    assert "failed: 3" in status.stdout
    assert "worker: no worker has reported" in status.stdout
    one = portal(cli_env, "outbox", "retry", str(first_id))
    assert one.stdout.strip() == "1 failed row queued again"
    rest = portal(cli_env, "outbox", "retry")
    assert rest.stdout.strip() == "2 failed rows queued again"
    with make_session_factory(engine)() as db:
        rows = db.execute(select(OutboxMessage)).scalars().all()
        assert all(row.failed_at is None and row.attempts == 0 for row in rows)
    engine.dispose()
