"""The judged query set (tests/judged_queries.json) run against the demo library: the
harness behind tests/test_search_relevance.py and scripts/benchmark_relevance.py.

The library is seeded as ``portal seed --demo`` seeds it (real PDF and DOCX files, text
read by the extraction worker), indexed by the worker, and each query is searched as an
ordinary demo member through the query service, exactly as the search page does."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from app.db import transaction
from app.demo import seed_demo
from app.discussions.models import Thread
from app.discussions.seed import seed_discussions
from app.events.models import Event
from app.events.seed import seed_events
from app.groups.seed import seed_groups
from app.members.models import Member, MemberIdentity
from app.outbox.service import drain_once
from app.policy.content import load_visible_groups
from app.resources.models import Resource
from app.resources.seed import seed_resources
from app.search import service
from app.search.sync import reindex
from app.worker import registered_handlers

JUDGED_QUERIES = Path(__file__).resolve().parent.parent / "judged_queries.json"
SEARCHER = "chloe.barker"  # an ordinary practitioner, in no private group of the demo
TOP = 3


@dataclass(frozen=True)
class Judged:
    q: str
    kind: str
    expected: list[str]
    found: list[str]  # headings of the first results, best first
    rank: int | None  # 1-based rank of the first expected result, None if not in the page


@dataclass(frozen=True)
class Report:
    judged: list[Judged]
    target_top3: float

    def rate(self, top: int) -> float:
        hits = sum(1 for one in self.judged if one.rank is not None and one.rank <= top)
        return hits / len(self.judged)

    @property
    def mrr(self) -> float:
        return sum(1 / one.rank for one in self.judged if one.rank) / len(self.judged)

    @property
    def misses(self) -> list[Judged]:
        return [one for one in self.judged if one.rank is None or one.rank > TOP]

    def lines(self) -> list[str]:
        out = [
            f"{len(self.judged)} judged queries: top-1 {self.rate(1):.1%}, "
            f"top-3 {self.rate(TOP):.1%} (target {self.target_top3:.0%}), MRR {self.mrr:.3f}"
        ]
        kinds = sorted({one.kind for one in self.judged})
        for kind in kinds:
            of_kind = [one for one in self.judged if one.kind == kind]
            hits = sum(1 for one in of_kind if one.rank is not None and one.rank <= TOP)
            out.append(f"  {kind:<10} {hits}/{len(of_kind)} in the top {TOP}")
        for miss in self.misses:
            out.append(
                f"MISS [{miss.kind}] {miss.q!r}: expected {miss.expected[0]!r}"
                f"{' (or others)' if len(miss.expected) > 1 else ''}, rank {miss.rank or '-'}; "
                f"got {miss.found[:TOP]}"
            )
        return out


def load_judged_set(path: Path = JUDGED_QUERIES) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def seed_and_index(app: FastAPI) -> None:
    """The demo data, its files' text extracted and everything indexed by the worker."""
    settings, factory = app.state.settings, app.state.session_factory
    app.state.search_engine.ensure_current()
    with transaction(factory) as db:
        seed_demo(db, settings=settings)
        seed_resources(db, storage=app.state.file_storage, settings=settings)
        seed_events(db, settings=settings)
        seed_discussions(db)
        seed_groups(db, settings=settings, storage=app.state.file_storage)
    handlers = registered_handlers(factory, settings)
    while drain_once(factory, handlers):
        pass
    # The events seed writes rows without queueing their sync: a full reindex, as
    # `portal search reindex` does, indexes what the outbox did not.
    reindex(factory, app.state.search_engine)


def judge(app: FastAPI, judged_set: dict[str, Any] | None = None) -> Report:
    judged_set = judged_set or load_judged_set()
    factory, settings = app.state.session_factory, app.state.settings
    results: list[Judged] = []
    with transaction(factory) as db:
        member = db.execute(
            select(Member)
            .join(MemberIdentity, MemberIdentity.member_id == Member.id)
            .where(
                MemberIdentity.issuer == settings.dev_oidc_issuer,
                MemberIdentity.subject == SEARCHER,
            )
        ).scalar_one()
        load_visible_groups(db, member)
        known = set(db.execute(select(Resource.title)).scalars())
        known |= set(db.execute(select(Event.title)).scalars())
        known |= set(db.execute(select(Thread.title)).scalars())
        for entry in judged_set["queries"]:
            unknown = [title for title in entry["expect"] if title not in known]
            if unknown:
                raise ValueError(f"{entry['q']!r} expects what the demo lacks: {unknown}")
            outcome = service.search(
                app.state.search_engine,
                member=member,
                request=service.parse_request([("q", entry["q"])], strict=True),
            )
            found = [_plain(result.heading) for result in outcome.results]
            rank = next(
                (number for number, title in enumerate(found, 1) if title in entry["expect"]),
                None,
            )
            results.append(Judged(entry["q"], entry["kind"], entry["expect"], found, rank))
    return Report(results, float(judged_set["target_top3"]))


def _plain(heading: str) -> str:
    return html.unescape(str(heading).replace("<mark>", "").replace("</mark>", ""))
