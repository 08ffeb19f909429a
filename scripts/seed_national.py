"""Fill a PostgreSQL database with a national-size portal: 100,000 members, 1,000 groups
(members in up to 20 groups each), 1,000,000 posts in 100,000 threads, 200,000 resources,
20,000 events, plus the audit log, reports, opportunities and one benchmark member's
notifications, so every long list has hundreds of pages.

    .venv/bin/python scripts/seed_national.py [DATABASE_URL] [--scale 1.0] [--seed 20]

DATABASE_URL defaults to a new database ``portal_national`` on
postgresql://postgres@127.0.0.1:5432 (dropped and created again). ``--scale 0.05`` builds
the 5,000-member size. The migrations run first; rows go in with Core inserts in batches of
5,000 and VACUUM ANALYZE runs at the end (statistics, and the visibility map a
long-running server's autovacuum keeps, without which PostgreSQL will not answer from an
index alone). The word lists and text generator are the search
benchmark's (scripts/benchmark_search.py).

Two members exist for the benchmarks: ``bench.member`` (in 20 groups, 13,000 notifications
at national scale) and ``bench.admin`` (an admin and moderator).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import sqlalchemy as sa  # noqa: E402
from benchmark_search import ACRONYM_PHRASES, TITLE_WORDS, WORDS, sentence, text_block  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402
from sqlalchemy.engine import Connection, make_url  # noqa: E402

from app.audit.models import AuditEntry  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.discussions.models import Category, Post, Thread  # noqa: E402
from app.events.models import Event  # noqa: E402
from app.groups.models import Group, GroupMembership  # noqa: E402
from app.members.models import Member, Organisation  # noqa: E402
from app.members.reference_data import ensure_partner_organisations  # noqa: E402
from app.moderation.models import Report  # noqa: E402
from app.notifications.models import Notification  # noqa: E402
from app.opportunities.models import Opportunity  # noqa: E402
from app.resources.models import FileVersion, Resource, ResourceFile, resource_topic  # noqa: E402
from app.topics.models import Topic  # noqa: E402
from app.topics.reference_data import ensure_topics  # noqa: E402
from tests.support.database import upgrade_to_head  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/portal_national"
NATIONAL = {
    "members": 100_000,
    "groups": 1_000,
    "posts": 1_000_000,
    "resources": 200_000,
    "events": 20_000,
    "audit": 200_000,
    "reports": 15_000,
    "opportunities": 15_000,
}
BENCH_NOTIFICATIONS = 13_000
BATCH = 5_000
MAX_GROUPS_PER_MEMBER = 20
CATEGORY_NAMES = [
    "Practice",
    "Supervision",
    "Court work",
    "Fostering and adoption",
    "Leaving care",
    "Research and evidence",
    "ASYE and students",
    "Practice educators",
    "Exploitation",
    "Disabled children",
    "Early help",
    "Wellbeing",
]


def sizes(scale: float) -> dict[str, int]:
    counts = {name: max(1, int(count * scale)) for name, count in NATIONAL.items()}
    counts["groups"] = max(MAX_GROUPS_PER_MEMBER + 5, counts["groups"])
    return counts


def batched(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert_all(conn: Connection, table: Any, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    for batch in batched(rows):
        conn.execute(insert(table), batch)
        count += len(batch)
    return count


def new_ids(count: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(count)]


class Corpus:
    """Paragraphs written once and drawn at random, so a million posts take seconds."""

    def __init__(self, rng: random.Random, count: int = 3000) -> None:
        self.rng = rng
        self.paragraphs = [text_block(rng, rng.randint(150, 700)) for _ in range(count)]

    def paragraph(self) -> str:
        return self.rng.choice(self.paragraphs)

    def title(self) -> str:
        return sentence(self.rng, self.rng.randint(4, 9)).capitalize()


def moment(rng: random.Random, now: datetime, days: int) -> datetime:
    """A time within the last ``days`` days, rounded to the minute so that some rows share
    a timestamp, as they do when a batch job or an import writes them."""
    at = now - timedelta(seconds=rng.randint(0, days * 86_400))
    return at.replace(second=0, microsecond=0)


def seed(database_url: str, *, scale: float, rng: random.Random) -> dict[str, int]:
    counts = sizes(scale)
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    corpus = Corpus(rng)
    started = time.perf_counter()

    def step(name: str) -> None:
        print(f"  {time.perf_counter() - started:7.1f} s  {name}", flush=True)

    with engine.begin() as conn:
        from sqlalchemy.orm import Session

        with Session(bind=conn) as db:
            ensure_partner_organisations(db)
            ensure_topics(db)
            db.flush()
        organisations = list(conn.execute(select(Organisation.id)).scalars())
        topics = list(conn.execute(select(Topic.id)).scalars())

        member_ids = new_ids(counts["members"])
        bench_member, bench_admin = member_ids[0], member_ids[1]

        def members() -> Iterator[dict[str, Any]]:
            for number, member_id in enumerate(member_ids):
                first, last = rng.choice(WORDS).title(), rng.choice(WORDS).title()
                handle = {0: "bench.member", 1: "bench.admin"}.get(number, f"member.{number}")
                joined = moment(rng, now, 1500)
                yield {
                    "id": member_id,
                    "display_name": f"{first} {last}son",
                    "handle": handle,
                    "email": f"{handle}@example.org",
                    "email_verified": True,
                    "status": "active",
                    "role": "practitioner",
                    "organisation_id": rng.choice(organisations),
                    "job_title": rng.choice(["Social worker", "Team manager", "Lecturer", "PSW"]),
                    "team": rng.choice(["Assessment", "Children in care", "Leaving care", None]),
                    "bio": sentence(rng, 25),
                    "profile_visibility": {},
                    "is_admin": number == 1,
                    "is_moderator": number == 1,
                    "joined_at": joined,
                    "onboarded_at": joined,
                }

        insert_all(conn, Member, members())
        step(f"{counts['members']} members")

        group_ids = new_ids(counts["groups"])
        group_kinds = [rng.choice(["open", "open", "private", "secret"]) for _ in group_ids]
        category_ids = new_ids(len(CATEGORY_NAMES) + len(group_ids))
        insert_all(
            conn,
            Group,
            (
                {
                    "id": group_id,
                    "name": f"{sentence(rng, 2).title()} group {number}",
                    "slug": f"group-{number}",
                    "description": sentence(rng, 20),
                    "kind": group_kinds[number],
                    "category_id": category_ids[len(CATEGORY_NAMES) + number],
                    "created_at": moment(rng, now, 1500),
                }
                for number, group_id in enumerate(group_ids)
            ),
        )
        insert_all(
            conn,
            Category,
            (
                {
                    "id": category_id,
                    "slug": f"category-{number}",
                    "name": (
                        CATEGORY_NAMES[number]
                        if number < len(CATEGORY_NAMES)
                        else f"Group {number - len(CATEGORY_NAMES)} discussions"
                    ),
                    "description": sentence(rng, 12),
                    "position": number,
                    "group_id": (
                        None
                        if number < len(CATEGORY_NAMES)
                        else group_ids[number - len(CATEGORY_NAMES)]
                    ),
                }
                for number, category_id in enumerate(category_ids)
            ),
        )

        def memberships() -> Iterator[dict[str, Any]]:
            for number, member_id in enumerate(member_ids):
                if number == 0:
                    joined = MAX_GROUPS_PER_MEMBER
                else:
                    joined = min(MAX_GROUPS_PER_MEMBER, int(rng.expovariate(1 / 3)))
                for group_index in rng.sample(range(len(group_ids)), joined):
                    yield {
                        "id": str(uuid.uuid4()),
                        "group_id": group_ids[group_index],
                        "member_id": member_id,
                        "role": "owner" if number == 1 else "member",
                    }

        memberships_count = insert_all(conn, GroupMembership, memberships())
        step(f"{counts['groups']} groups, {memberships_count} memberships")

        threads_count = max(1, counts["posts"] // 10)
        thread_ids = new_ids(threads_count)
        thread_places: list[tuple[str, str | None]] = []
        for _ in thread_ids:
            if rng.random() < 0.2:
                group_index = rng.randrange(len(group_ids))
                thread_places.append(
                    (category_ids[len(CATEGORY_NAMES) + group_index], group_ids[group_index])
                )
            else:
                thread_places.append((rng.choice(category_ids[: len(CATEGORY_NAMES)]), None))
        thread_times = [moment(rng, now, 1000) for _ in thread_ids]

        insert_all(
            conn,
            Thread,
            (
                {
                    "id": thread_id,
                    "category_id": thread_places[number][0],
                    "group_id": thread_places[number][1],
                    "author_id": rng.choice(member_ids),
                    "title": corpus.title() + "?",
                    "is_question": rng.random() < 0.4,
                    "is_pinned": rng.random() < 0.001,
                    "last_post_number": 10,
                    "reply_count": 9,
                    "created_at": thread_times[number] - timedelta(days=3),
                    "last_post_at": thread_times[number],
                }
                for number, thread_id in enumerate(thread_ids)
            ),
        )
        step(f"{threads_count} threads")
        posts = insert_all(
            conn,
            Post,
            (
                {
                    "id": str(uuid.uuid4()),
                    "thread_id": thread_ids[number // 10],
                    "number": number % 10 + 1,
                    "author_id": rng.choice(member_ids),
                    "body_markdown": "",
                    "body_html": "<p>" + corpus.paragraph() + "</p>",
                    "created_at": thread_times[number // 10]
                    - timedelta(hours=(9 - number % 10) * 7),
                }
                for number in range(threads_count * 10)
            ),
        )
        counts["posts"] = posts
        step(f"{posts} posts")

        resource_ids = new_ids(counts["resources"])
        file_ids = new_ids(counts["resources"])
        resource_times = [moment(rng, now, 3000) for _ in resource_ids]
        insert_all(
            conn,
            Resource,
            (
                {
                    "id": resource_id,
                    "title": f"{rng.choice(TITLE_WORDS)} {sentence(rng, rng.randint(2, 6))}",
                    "summary": corpus.paragraph(),
                    "type": rng.choice(
                        ["practice_guide", "research_paper", "briefing", "case_study"]
                    ),
                    "publication_year": rng.randint(2010, 2026),
                    "organisation_id": rng.choice(organisations),
                    "owner_id": rng.choice(member_ids),
                    "group_id": rng.choice(group_ids) if rng.random() < 0.1 else None,
                    "status": "published",
                    "created_at": resource_times[number],
                    "updated_at": resource_times[number],
                }
                for number, resource_id in enumerate(resource_ids)
            ),
        )
        insert_all(
            conn,
            ResourceFile,
            (
                {"id": file_id, "resource_id": resource_id, "position": 0, "name": "Guide"}
                for file_id, resource_id in zip(file_ids, resource_ids, strict=True)
            ),
        )
        insert_all(
            conn,
            FileVersion,
            (
                {
                    "id": str(uuid.uuid4()),
                    "file_id": file_id,
                    "number": 1,
                    "storage_key": "0" * 64,
                    "original_filename": "guide.pdf",
                    "file_type": "pdf",
                    "content_type": "application/pdf",
                    "size": 1000,
                    "extraction_status": "done",
                    "extracted_text": corpus.paragraph(),
                }
                for file_id in file_ids
            ),
        )
        insert_all(
            conn,
            resource_topic,
            (
                {"resource_id": resource_id, "topic_id": topic}
                for resource_id in resource_ids
                for topic in rng.sample(topics, 2)
            ),
        )
        step(f"{counts['resources']} resources")

        def events() -> Iterator[dict[str, Any]]:
            for _ in range(counts["events"]):
                starts = now + timedelta(days=rng.randint(-700, 400), hours=rng.randint(0, 9))
                starts = starts.replace(minute=0, second=0, microsecond=0)
                yield {
                    "id": str(uuid.uuid4()),
                    "title": f"{rng.choice(['Workshop', 'Webinar'])}: {sentence(rng, 4)}",
                    "description": "",
                    "description_html": "<p>" + corpus.paragraph() + "</p>",
                    "type": rng.choice(["workshop", "webinar", "conference", "training"]),
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=2),
                    "online": rng.random() < 0.5,
                    "organiser_id": rng.choice(member_ids),
                    "group_id": rng.choice(group_ids) if rng.random() < 0.1 else None,
                    "capacity": rng.choice([None, 30, 100]),
                    "status": "scheduled",
                }

        insert_all(conn, Event, events())
        step(f"{counts['events']} events")

        notifications = int(BENCH_NOTIFICATIONS * max(scale, 0.05))
        insert_all(
            conn,
            Notification,
            (
                {
                    "member_id": bench_member,
                    "kind": "reply",
                    "actor_id": rng.choice(member_ids),
                    "subject_type": "post",
                    "subject_id": thread_ids[rng.randrange(threads_count)],
                    "group_id": None,
                    "detail": {},
                    "created_at": moment(rng, now, 700),
                    "updated_at": now,
                    "read_at": None if rng.random() < 0.3 else now,
                }
                for _ in range(notifications)
            ),
        )
        insert_all(
            conn,
            AuditEntry,
            (
                {
                    "created_at": moment(rng, now, 2000),
                    "actor_id": bench_admin,
                    "actor_name": "Bench Admin",
                    "action": rng.choice(["member.approve", "report.dismiss", "group.create"]),
                    "subject_member_id": rng.choice(member_ids),
                    "subject_name": "A member",
                    "reason": sentence(rng, 6),
                    "before": {},
                    "after": {},
                }
                for _ in range(counts["audit"])
            ),
        )
        insert_all(
            conn,
            Report,
            (
                {
                    "id": str(uuid.uuid4()),
                    "created_at": moment(rng, now, 700),
                    "reporter_id": rng.choice(member_ids),
                    "target_kind": "thread",
                    "target_id": thread_ids[number],
                    "target_label": "A thread",
                    "target_url": f"/discussions/t/{thread_ids[number]}",
                    "group_id": thread_places[number][1],
                    "author_id": rng.choice(member_ids),
                    "reason": rng.choice(["spam", "offensive", "other"]),
                    "note": sentence(rng, 8),
                    "status": "open" if rng.random() < 0.9 else "dismissed",
                }
                for number in range(min(counts["reports"], threads_count))
            ),
        )

        def opportunities() -> Iterator[dict[str, Any]]:
            for _ in range(counts["opportunities"]):
                closes = (now + timedelta(days=rng.randint(1, 120))).replace(
                    hour=23, minute=59, second=0, microsecond=0
                )
                yield {
                    "id": str(uuid.uuid4()),
                    "title": f"{rng.choice(['Social worker', 'Team manager', 'ASYE'])}: "
                    + rng.choice(ACRONYM_PHRASES),
                    "organisation_id": rng.choice(organisations),
                    "kind": rng.choice(["permanent", "fixed_term", "secondment", "asye"]),
                    "practice_area": rng.choice(["Child protection", "Fostering", None]),
                    "location": rng.choice(["office", "hybrid", "remote"]),
                    "closing_date": closes.date().isoformat(),
                    "closes_at": closes,
                    "description": "",
                    "description_html": "<p>" + corpus.paragraph() + "</p>",
                    "poster_id": bench_admin,
                    "created_at": moment(rng, now, 90),
                }

        insert_all(conn, Opportunity, opportunities())
        step("notifications, audit log, reports, opportunities")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    step("VACUUM ANALYZE")
    engine.dispose()
    counts["memberships"] = memberships_count
    counts["notifications"] = notifications
    return counts


def recreate_database(database_url: str) -> None:
    url = make_url(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    server.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", nargs="?", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument(
        "--keep", action="store_true", help="fill the database as it is (default: recreate it)"
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        parser.error("a PostgreSQL URL is needed (postgresql://user@host:port/name)")
    if not args.keep:
        recreate_database(args.database_url)
    started = time.perf_counter()
    counts = seed(args.database_url, scale=args.scale, rng=random.Random(args.seed))
    print(f"seeded {args.database_url} in {time.perf_counter() - started:.0f} s:")
    for name, count in counts.items():
        print(f"  {name:<14} {count:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
