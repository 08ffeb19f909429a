"""Search latency: the portal's search API beside the same queries sent straight to
Meilisearch (stemmed as the portal sends them), on a generated corpus of realistic size,
plus the full reindex time. The floor is the bare signed-in API (/api/v1/me); the budget is
the portal's p95 within 1.2 x (Meilisearch's p95 + the floor's p95), measured in one run.

Starts its own Meilisearch and a fresh SQLite database (or a fresh database on the
PostgreSQL server given with --database), fills it with members, groups, resources with
file text, threads with posts and events, runs `reindex` (build a new index, swap it in),
then serves the portal with uvicorn on a free port and sends each query to
/api/v1/search over HTTP with an API token, and the same Meilisearch parameters
straight to Meilisearch, alternately.

    .venv/bin/python scripts/benchmark_search.py [--scale 1.0] [--rounds 5]

    .venv/bin/python scripts/benchmark_search.py --national [--database postgresql://...]

--scale 1.0 is the issue's size: 5,000 members, 20,000 resources with file text, 100,000
posts, 2,000 events, 50 groups. --national: 100,000 members, 1,000 groups, 200,000
resources, 1,000,000 posts, 20,000 events. A third of the members are in 1 to 20 groups;
searches are timed for a member in one group and one in twenty. The rebuild runs in its own
process (as in the worker), so its peak memory is its own. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from sqlalchemy import bindparam, func, insert, select  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db import transaction  # noqa: E402
from app.devstack import free_port, start_meilisearch  # noqa: E402
from app.discussions.models import Category, Post, Thread  # noqa: E402
from app.events.models import Event  # noqa: E402
from app.groups.models import Group, GroupMembership  # noqa: E402
from app.main import create_app  # noqa: E402
from app.members.models import Member, Organisation  # noqa: E402
from app.members.reference_data import ensure_partner_organisations  # noqa: E402
from app.members.tokens import create_token  # noqa: E402
from app.policy.content import load_visible_groups  # noqa: E402
from app.resources.models import FileVersion, Resource, ResourceFile, resource_topic  # noqa: E402
from app.search import service  # noqa: E402
from app.search.sync import reindex  # noqa: E402
from app.search.text import query_text  # noqa: E402
from app.topics.models import Topic  # noqa: E402
from app.topics.reference_data import ensure_topics  # noqa: E402
from tests.support.database import (  # noqa: E402
    POSTGRES_URL_VARIABLE,
    fresh_database,
    upgrade_to_head,
)

KEY = "benchmark-master-key-0123456789"
WORDS = (  # noqa: SIM905 - easier to read as prose
    "assessment planning review supervision chronology genogram ecomap neglect safeguarding "
    "referral threshold strategy discussion section forty seven enquiry core group pathway "
    "plan placement stability kinship fostering adoption reunification contact family time "
    "advocacy participation voice child young person parent carer school health visitor "
    "police probation housing benefits poverty trauma informed relational restorative "
    "practice model signs safety motivational interviewing reflective analysis hypothesis "
    "risk protective factors resilience attachment development adolescence exploitation "
    "county lines missing episodes return interview transitions leaving care personal "
    "adviser court statement evidence proportionality outcome evaluation audit quality"
).split()
TITLE_WORDS = [
    "Guide to",
    "Practice note:",
    "Briefing on",
    "Toolkit for",
    "Research on",
    "Template for",
    "Learning from",
    "Principles of",
]
ACRONYM_PHRASES = [
    "looked after children",
    "child in need",
    "child protection",
    "public law outline",
    "special guardianship order",
    "domestic abuse",
    "child criminal exploitation",
    "unaccompanied asylum seeking children",
    "education health and care plan",
]
QUERIES = [
    "chronology",
    "genogram supervision",
    "neglect toolkit",
    "LAC",
    "CP plan",
    "PLO",
    "kinship fostering",
    "reunification after care",
    "county lines exploitation",
    "SGO",
    "safegaurding",
    "supervison",
    "reflective practice",
    "court statement",
    "CCE",
    "attachment trauma informed",
    "return interview",
    "leaving care personal adviser",
    "domestic abuse",
    "UASC",
    "poverty housing",
    "risk protective factors",
    "ASYE",
    "participation voice",
    "signs of safety",
    "core group",
]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def text_block(rng: random.Random, characters: int) -> str:
    parts, size = [], 0
    while size < characters:
        part = sentence(rng, rng.randint(8, 20)).capitalize() + "."
        if rng.random() < 0.2:
            part += " " + rng.choice(ACRONYM_PHRASES).capitalize() + "."
        parts.append(part)
        size += len(part) + 1
    return " ".join(parts)


@dataclass(frozen=True)
class Sizes:
    members: int
    groups: int
    resources: int
    posts: int
    events: int
    max_groups_per_member: int

    @classmethod
    def scaled(cls, scale: float) -> Sizes:
        return cls(
            members=int(5_000 * scale),
            groups=max(20, int(50 * scale)),
            resources=int(20_000 * scale),
            posts=int(100_000 * scale),
            events=int(2_000 * scale),
            max_groups_per_member=20,
        )


NATIONAL = Sizes(
    members=100_000,
    groups=1_000,
    resources=200_000,
    posts=1_000_000,
    events=20_000,
    max_groups_per_member=20,
)


def _chunked(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(start + size, count))


def generate(factory: Any, sizes: Sizes, rng: random.Random) -> dict[str, Any]:
    """Fill the database in batches (bounded memory at national size). A third of the
    members are in 1 to ``max_groups_per_member`` groups; the first two members are the
    viewers whose searches are timed: one in a single group, one in 20."""
    now = datetime.now(UTC)
    with transaction(factory) as db:
        ensure_partner_organisations(db)
        ensure_topics(db)
    with transaction(factory) as db:
        organisations = list(db.execute(select(Organisation.id)).scalars())
        topics = list(db.execute(select(Topic.id)).scalars())
    member_ids = [str(uuid.uuid4()) for _ in range(sizes.members)]
    group_ids = [str(uuid.uuid4()) for _ in range(sizes.groups)]
    for rows in _chunked(sizes.members, 5_000):
        with transaction(factory) as db:
            db.execute(
                insert(Member),
                [
                    {
                        "id": member_ids[n],
                        "display_name": f"{rng.choice(WORDS).title()} "
                        f"{rng.choice(WORDS).title()}son",
                        "organisation_id": rng.choice(organisations),
                        "job_title": rng.choice(
                            ["Social worker", "Team manager", "Lecturer", "PSW"]
                        ),
                        "bio": sentence(rng, 25),
                        "profile_visibility": {},
                    }
                    for n in rows
                ],
            )
    with transaction(factory) as db:
        db.execute(
            insert(Group),
            [
                {
                    "id": group_id,
                    "name": f"Group {number} {rng.choice(WORDS)}",
                    "slug": f"group-{number}",
                    "description": sentence(rng, 20),
                    "kind": rng.choice(["open", "private", "secret"]),
                }
                for number, group_id in enumerate(group_ids)
            ],
        )
    memberships = 0
    for rows in _chunked(sizes.members // 3, 5_000):
        links = []
        for n in rows:
            count = {0: 1, 1: 20}.get(n) or rng.randint(1, sizes.max_groups_per_member)
            links += [
                {
                    "id": str(uuid.uuid4()),
                    "group_id": group_id,
                    "member_id": member_ids[n],
                    "role": "member",
                }
                for group_id in rng.sample(group_ids, min(count, len(group_ids)))
            ]
        with transaction(factory) as db:
            db.execute(insert(GroupMembership), links)
        memberships += len(links)
    for batch in _chunked(sizes.resources, 1000):
        resources, files, versions, resource_links = [], [], [], []
        for _ in batch:
            resource_id, file_id = str(uuid.uuid4()), str(uuid.uuid4())
            resources.append(
                {
                    "id": resource_id,
                    "title": f"{rng.choice(TITLE_WORDS)} {sentence(rng, rng.randint(2, 6))}",
                    "summary": text_block(rng, 300),
                    "type": rng.choice(
                        ["practice_guide", "research_paper", "briefing", "case_study"]
                    ),
                    "publication_year": rng.randint(2010, 2026),
                    "organisation_id": rng.choice(organisations),
                    "owner_id": rng.choice(member_ids),
                    "group_id": rng.choice(group_ids) if rng.random() < 0.1 else None,
                    "status": "published",
                    "created_at": now - timedelta(days=rng.randint(0, 3000)),
                }
            )
            files.append(
                {"id": file_id, "resource_id": resource_id, "position": 0, "name": "Guide"}
            )
            versions.append(
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
                    "extracted_text": text_block(rng, rng.randint(2_000, 12_000)),
                }
            )
            resource_links += [
                {"resource_id": resource_id, "topic_id": topic} for topic in rng.sample(topics, 2)
            ]
        with transaction(factory) as db:
            db.execute(insert(Resource), resources)
            db.execute(insert(ResourceFile), files)
            db.execute(insert(FileVersion), versions)
            db.execute(insert(resource_topic), resource_links)
    category_id = str(uuid.uuid4())
    with transaction(factory) as db:
        db.execute(insert(Category), [{"id": category_id, "slug": "practice", "name": "Practice"}])
    threads_count = max(1, sizes.posts // 10)
    for rows in _chunked(threads_count, 500):
        thread_ids = [str(uuid.uuid4()) for _ in rows]
        threads = [
            {
                "id": thread_id,
                "category_id": category_id,
                "author_id": rng.choice(member_ids),
                "title": sentence(rng, rng.randint(4, 9)).capitalize() + "?",
                "last_post_number": 10,
                "reply_count": 9,
                # A tenth of the threads are in a group's space.
                "group_id": rng.choice(group_ids) if rng.random() < 0.1 else None,
            }
            for thread_id in thread_ids
        ]
        posts = [
            {
                "id": str(uuid.uuid4()),
                "thread_id": thread_id,
                "number": number,
                "author_id": rng.choice(member_ids),
                "body_markdown": "",
                "body_html": "<p>" + text_block(rng, rng.randint(150, 700)) + "</p>",
            }
            for thread_id in thread_ids
            for number in range(1, 11)
        ]
        with transaction(factory) as db:
            db.execute(insert(Thread), threads)
            db.execute(insert(Post), posts)
    for rows in _chunked(sizes.events, 2_000):
        with transaction(factory) as db:
            db.execute(
                insert(Event),
                [
                    {
                        "id": str(uuid.uuid4()),
                        "title": f"{rng.choice(['Workshop', 'Webinar'])}: {sentence(rng, 4)}",
                        "description": "",
                        "description_html": "<p>" + text_block(rng, 500) + "</p>",
                        "type": rng.choice(["workshop", "webinar", "conference", "training"]),
                        "starts_at": now + timedelta(days=rng.randint(-400, 400)),
                        "ends_at": now + timedelta(days=rng.randint(-400, 400), hours=2),
                        "online": rng.random() < 0.5,
                        "organiser_id": rng.choice(member_ids),
                        "status": "scheduled",
                    }
                    for _ in rows
                ],
            )
    return {
        "members": sizes.members,
        "groups": sizes.groups,
        "memberships": memberships,
        "resources": sizes.resources,
        "threads": threads_count,
        "posts": threads_count * 10,
        "events": sizes.events,
        "viewers": (member_ids[0], member_ids[1]),
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * fraction) - 1)]


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory of a running process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reindex_child(database_url: str, meili_url: str) -> int:
    """The rebuild alone, in its own process (as the worker runs it), so its peak memory
    is its own and not the generator's: prints one JSON line."""
    from app.db import make_engine, make_session_factory
    from app.search.engine import SearchEngine

    engine = SearchEngine(url=meili_url, master_key=KEY, index_prefix="bench")
    factory = make_session_factory(make_engine(database_url))
    report = reindex(factory, engine)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "documents": report.documents,
                "seconds": report.seconds,
                "per_second": report.per_second,
                "peak_rss_mb": peak_kb / 1024,
            }
        )
    )
    return 0


def run_reindex(database_url: str, meili: Any) -> dict[str, Any]:
    completed = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--reindex-child",
            database_url,
            meili.url,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    figures["meilisearch_peak_rss_mb"] = peak_rss_mb(meili.process.pid)
    return figures


def timed_searches(index: Any, params: dict[str, dict[str, Any]], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for q in QUERIES:
            began = time.perf_counter()
            index.search(query_text(q), params[q])
            times.append((time.perf_counter() - began) * 1000)
    return times


@contextlib.contextmanager
def corpus_database(tmp: str, corpus: Path | None) -> Iterator[str]:
    if corpus is None:
        with fresh_database(Path(tmp)) as url:
            yield url
    else:
        yield f"sqlite:///{corpus.resolve()}"


def existing_counts(factory: Any) -> dict[str, Any]:
    """The sizes of a corpus generated before, and its viewers: a member in one group and
    one in twenty."""
    with transaction(factory) as db:
        in_groups = (
            select(GroupMembership.member_id)
            .group_by(GroupMembership.member_id)
            .having(func.count() == bindparam("wanted"))
            .limit(1)
        )
        one = db.execute(in_groups, {"wanted": 1}).scalar_one()
        twenty = db.execute(in_groups, {"wanted": 20}).scalar_one()
        counted = {
            name: db.execute(select(func.count()).select_from(model)).scalar_one()
            for name, model in [
                ("members", Member),
                ("groups", Group),
                ("memberships", GroupMembership),
                ("resources", Resource),
                ("threads", Thread),
                ("posts", Post),
                ("events", Event),
            ]
        }
    return {**counted, "viewers": (one, twenty)}


def main() -> int:
    parser = argparse.ArgumentParser()
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--scale", type=float, default=1.0, help="x the 5,000-member corpus")
    size.add_argument(
        "--national",
        action="store_true",
        help="100,000 members, 1,000 groups, 200,000 resources, 1,000,000 posts, 20,000 events",
    )
    parser.add_argument(
        "--database",
        help="a PostgreSQL server URL (a fresh database is made and dropped); default SQLite",
    )
    parser.add_argument("--rounds", type=int, default=5, help="times each query is sent")
    parser.add_argument(
        "--corpus",
        type=Path,
        help="a copy of a SQLite database an earlier run generated: reindex and time it again "
        "(after a change to the index design) without generating it again",
    )
    parser.add_argument("--reindex-child", nargs=2, metavar=("DATABASE_URL", "MEILI_URL"))
    args = parser.parse_args()
    if args.reindex_child:
        return reindex_child(*args.reindex_child)
    if args.database:
        os.environ[POSTGRES_URL_VARIABLE] = args.database
    else:
        os.environ.pop(POSTGRES_URL_VARIABLE, None)
    sizes = NATIONAL if args.national else Sizes.scaled(args.scale)
    label = "national" if args.national else f"scale {args.scale}"
    rng = random.Random(8)

    with tempfile.TemporaryDirectory() as tmp, corpus_database(tmp, args.corpus) as database_url:
        tmp_dir = Path(tmp)
        upgrade_to_head(database_url)
        meili = start_meilisearch(port=free_port(), data_dir=tmp_dir / "meili", master_key=KEY)
        port = free_port()
        settings = Settings(
            env="test",
            secret_key=SecretStr("benchmark-secret-key-that-is-long-enough"),
            base_url=f"http://127.0.0.1:{port}",
            data_dir=tmp_dir,
            database_url=database_url,
            meili_url=meili.url,
            meili_master_key=SecretStr(KEY),
            meili_index_prefix="bench",
            _env_file=None,  # type: ignore[call-arg]
        )
        app = create_app(settings)
        factory, engine = app.state.session_factory, app.state.search_engine
        try:
            started = time.perf_counter()
            if args.corpus:
                counts = existing_counts(factory)
                label = f"{args.corpus.name}, generated before"
            else:
                counts = generate(factory, sizes, rng)
            viewers = counts.pop("viewers")
            database = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
            print(
                f"corpus ({label}, {database}): {counts} in {time.perf_counter() - started:.0f} s"
            )

            figures = run_reindex(database_url, meili)
            print(
                f"full reindex: {figures['documents']:,} documents in {figures['seconds']:.1f} s "
                f"= {figures['per_second']:,.0f} documents/s; peak RSS: reindexing process "
                f"{figures['peak_rss_mb']:,.0f} MB, "
                f"Meilisearch {figures['meilisearch_peak_rss_mb']:,.0f} MB"
            )

            with transaction(factory) as db:
                member = db.get_one(Member, viewers[1])
                _token, secret = create_token(
                    db, actor=member, name=f"benchmark {uuid.uuid4().hex[:8]}"
                )
            server = uvicorn.Server(
                uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
            )
            threading.Thread(target=server.run, daemon=True).start()
            while not server.started:
                time.sleep(0.05)

            portal = httpx.Client(
                base_url=settings.base_url, headers={"Authorization": f"Bearer {secret}"}
            )
            direct_params: dict[str, dict[str, dict[str, Any]]] = {}
            with transaction(factory) as db:
                for viewer_id in viewers:
                    viewer = db.get_one(Member, viewer_id)
                    load_visible_groups(db, viewer)
                    direct_params[viewer_id] = {
                        q: service.search_params(
                            viewer, service.parse_request([("q", q)], strict=True)
                        )
                        for q in QUERIES
                    }
            one_group, twenty_groups = (direct_params[v] for v in viewers)
            index = engine.client().index(engine.content_uid)
            for q in QUERIES[:5]:  # warm up both paths
                portal.get("/api/v1/search", params={"q": q}).raise_for_status()
                index.search(query_text(q), twenty_groups[q])

            portal_ms: list[float] = []
            direct_ms: list[float] = []
            floor_ms: list[float] = []
            for _ in range(args.rounds):
                for q in QUERIES:
                    began = time.perf_counter()
                    response = portal.get("/api/v1/search", params={"q": q})
                    portal_ms.append((time.perf_counter() - began) * 1000)
                    assert response.status_code == 200, response.text
                    began = time.perf_counter()
                    index.search(query_text(q), twenty_groups[q])
                    direct_ms.append((time.perf_counter() - began) * 1000)
                    began = time.perf_counter()
                    portal.get("/api/v1/me").raise_for_status()
                    floor_ms.append((time.perf_counter() - began) * 1000)
            one_group_ms = timed_searches(index, one_group, args.rounds)
            server.should_exit = True

            p50_portal, p95_portal = statistics.median(portal_ms), percentile(portal_ms, 0.95)
            p50_direct, p95_direct = statistics.median(direct_ms), percentile(direct_ms, 0.95)
            print(f"{len(portal_ms)} searches each ({len(QUERIES)} queries x {args.rounds})")
            print(f"{'':36}{'p50 ms':>10}{'p95 ms':>10}")
            print(
                f"{'Meilisearch directly, 1 group':36}{statistics.median(one_group_ms):>10.1f}"
                f"{percentile(one_group_ms, 0.95):>10.1f}"
            )
            print(f"{'Meilisearch directly, 20 groups':36}{p50_direct:>10.1f}{p95_direct:>10.1f}")
            print(f"{'portal /api/v1/search, 20 groups':36}{p50_portal:>10.1f}{p95_portal:>10.1f}")
            print(
                f"{'floor: /api/v1/me (token)':36}{statistics.median(floor_ms):>10.1f}"
                f"{percentile(floor_ms, 0.95):>10.1f}"
            )
            p95_floor = percentile(floor_ms, 0.95)
            budget = 1.2 * (p95_direct + p95_floor)
            print(
                f"portal p95 {p95_portal:.1f} ms; budget 1.2 x (Meilisearch p95 + floor p95) = "
                f"{budget:.1f} ms: {'within' if p95_portal <= budget else 'OVER'} "
                f"({p95_portal / budget:.2f} of the budget)"
            )
            print(f"portal adds {p50_portal - p50_direct:.1f} ms to Meilisearch at the median")
        finally:
            meili.stop()
            app.state.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
