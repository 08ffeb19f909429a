"""Search latency: the portal's search API beside the same queries sent straight to
Meilisearch (stemmed as the portal sends them), on a generated corpus of realistic size,
plus the full reindex time. The floor is the bare signed-in API (/api/v1/me); the budget is
the portal's p95 within 1.2 x (Meilisearch's p95 + the floor's p95), measured in one run.

Starts its own Meilisearch and a fresh SQLite database (or PORTAL_BENCH_DATABASE_URL, a
PostgreSQL server URL), fills it with members, groups, resources with file text, threads
with posts and events, runs `reindex` (build a new index, swap it in), then serves the
portal with uvicorn on a free port and sends each query to /api/v1/search over HTTP with
an API token, and the same Meilisearch parameters straight to Meilisearch, alternately.

    .venv/bin/python scripts/benchmark_search.py [--scale 1.0] [--rounds 5]

--scale 1.0 is the issue's size: 5,000 members, 20,000 resources with file text, 100,000
posts, 2,000 events, 50 groups. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

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
from app.resources.models import FileVersion, Resource, ResourceFile, resource_topic  # noqa: E402
from app.search import service  # noqa: E402
from app.search.sync import reindex  # noqa: E402
from app.search.text import query_text  # noqa: E402
from app.topics.models import Topic  # noqa: E402
from app.topics.reference_data import ensure_topics  # noqa: E402
from tests.support.database import fresh_database, upgrade_to_head  # noqa: E402

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


def generate(factory: Any, scale: float, rng: random.Random) -> dict[str, int]:
    now = datetime.now(UTC)
    counts = {
        "members": int(5_000 * scale),
        "groups": max(2, int(50 * scale)),
        "resources": int(20_000 * scale),
        "posts": int(100_000 * scale),
        "events": int(2_000 * scale),
    }
    with transaction(factory) as db:
        ensure_partner_organisations(db)
        ensure_topics(db)
        db.flush()
        organisations = list(db.execute(select(Organisation.id)).scalars())
        topics = list(db.execute(select(Topic.id)).scalars())
        member_ids = [str(uuid.uuid4()) for _ in range(counts["members"])]
        db.execute(
            insert(Member),
            [
                {
                    "id": member_id,
                    "display_name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}son",
                    "organisation_id": rng.choice(organisations),
                    "job_title": rng.choice(["Social worker", "Team manager", "Lecturer", "PSW"]),
                    "bio": sentence(rng, 25),
                    "profile_visibility": {},
                }
                for member_id in member_ids
            ],
        )
        group_ids = [str(uuid.uuid4()) for _ in range(counts["groups"])]
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
        db.execute(
            insert(GroupMembership),
            [
                {
                    "id": str(uuid.uuid4()),
                    "group_id": rng.choice(group_ids),
                    "member_id": m,
                    "role": "member",
                }
                for m in member_ids[: len(member_ids) // 3]
            ],
        )
        for start in range(0, counts["resources"], 1000):
            batch = range(start, min(start + 1000, counts["resources"]))
            resources, files, versions, links = [], [], [], []
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
                files.append({"id": file_id, "resource_id": resource_id, "position": 0})
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
                links += [
                    {"resource_id": resource_id, "topic_id": topic}
                    for topic in rng.sample(topics, 2)
                ]
            db.execute(insert(Resource), resources)
            db.execute(insert(ResourceFile), files)
            db.execute(insert(FileVersion), versions)
            db.execute(insert(resource_topic), links)
        category_id = str(uuid.uuid4())
        db.execute(insert(Category), [{"id": category_id, "slug": "practice", "name": "Practice"}])
        threads_count = max(1, counts["posts"] // 10)
        thread_ids = [str(uuid.uuid4()) for _ in range(threads_count)]
        for start in range(0, threads_count, 2000):
            db.execute(
                insert(Thread),
                [
                    {
                        "id": thread_id,
                        "category_id": category_id,
                        "author_id": rng.choice(member_ids),
                        "title": sentence(rng, rng.randint(4, 9)).capitalize() + "?",
                        "last_post_number": 10,
                        "reply_count": 9,
                    }
                    for thread_id in thread_ids[start : start + 2000]
                ],
            )
        posts = [
            {
                "id": str(uuid.uuid4()),
                "thread_id": thread_ids[number // 10],
                "number": number % 10 + 1,
                "author_id": rng.choice(member_ids),
                "body_markdown": "",
                "body_html": "<p>" + text_block(rng, rng.randint(150, 700)) + "</p>",
            }
            for number in range(threads_count * 10)
        ]
        for start in range(0, len(posts), 5000):
            db.execute(insert(Post), posts[start : start + 5000])
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
                for _ in range(counts["events"])
            ],
        )
    counts["posts"] = threads_count * 10
    return counts


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * fraction) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=5, help="times each query is sent")
    args = parser.parse_args()
    rng = random.Random(8)

    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp)) as url:
        tmp_dir = Path(tmp)
        database_url = url  # PostgreSQL when PORTAL_TEST_DATABASE_URL names a server
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
            counts = generate(factory, args.scale, rng)
            print(f"corpus (scale {args.scale}): {counts} in {time.perf_counter() - started:.0f} s")

            report = reindex(factory, engine)
            print(
                f"full reindex: {report.documents:,} documents in {report.seconds:.1f} s "
                f"= {report.per_second:,.0f} documents/s"
            )

            with transaction(factory) as db:
                member = db.execute(select(Member).limit(1)).scalar_one()
                _token, secret = create_token(db, actor=member, name="benchmark")
                member_id = member.id
            server = uvicorn.Server(
                uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
            )
            threading.Thread(target=server.run, daemon=True).start()
            while not server.started:
                time.sleep(0.05)

            portal = httpx.Client(
                base_url=settings.base_url, headers={"Authorization": f"Bearer {secret}"}
            )
            with transaction(factory) as db:
                viewer = db.get_one(Member, member_id)
                from app.policy.content import load_visible_groups

                load_visible_groups(db, viewer)
                direct_params = {
                    q: service.search_params(viewer, service.parse_request([("q", q)], strict=True))
                    for q in QUERIES
                }
            index = engine.client().index(engine.content_uid)
            for q in QUERIES[:5]:  # warm up both paths
                portal.get("/api/v1/search", params={"q": q}).raise_for_status()
                index.search(query_text(q), direct_params[q])

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
                    index.search(query_text(q), direct_params[q])
                    direct_ms.append((time.perf_counter() - began) * 1000)
                    began = time.perf_counter()
                    portal.get("/api/v1/me").raise_for_status()
                    floor_ms.append((time.perf_counter() - began) * 1000)
            server.should_exit = True

            p50_portal, p95_portal = statistics.median(portal_ms), percentile(portal_ms, 0.95)
            p50_direct, p95_direct = statistics.median(direct_ms), percentile(direct_ms, 0.95)
            print(f"{len(portal_ms)} searches each ({len(QUERIES)} queries x {args.rounds})")
            print(f"{'':28}{'p50 ms':>10}{'p95 ms':>10}")
            print(f"{'Meilisearch directly':28}{p50_direct:>10.1f}{p95_direct:>10.1f}")
            print(f"{'portal /api/v1/search':28}{p50_portal:>10.1f}{p95_portal:>10.1f}")
            print(
                f"{'floor: /api/v1/me (token)':28}{statistics.median(floor_ms):>10.1f}"
                f"{percentile(floor_ms, 0.95):>10.1f}"
            )
            p95_floor = percentile(floor_ms, 0.95)
            budget = 1.2 * (p95_direct + p95_floor)
            print(
                f"portal p95 {p95_portal:.1f} ms; budget 1.2 x (Meilisearch p95 + floor p95) = "
                f"{budget:.1f} ms: {'within' if p95_portal <= budget else 'OVER'} "
                f"({p95_portal / budget:.2f} of the budget)"
            )
            print(
                f"portal adds {p50_portal - p50_direct:.1f} ms to Meilisearch at the median "
                f"(the query is stemmed and the documents carry stemmed shadow fields)"
            )
        finally:
            meili.stop()
            app.state.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
