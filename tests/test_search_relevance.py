"""The judged query set (tests/judged_queries.json) over the demo library, against the real
Meilisearch: the share of practitioner queries with a right answer in the top 3 stays at or
above the set's target. scripts/benchmark_relevance.py prints the same figures and every
miss."""

from __future__ import annotations

from fastapi import FastAPI

from app.members.reference_data import slugify
from app.resources.seed import demo_library
from app.search.engine import SearchEngine
from app.topics.reference_data import STARTING_TOPICS
from tests.support.relevance import judge, load_judged_set, seed_and_index


def test_the_judged_set_is_broad() -> None:
    judged = load_judged_set()
    queries = judged["queries"]
    assert len(queries) >= 150
    assert {"acronym", "plural", "typo", "inside", "question"} <= {q["kind"] for q in queries}
    assert all(q["expect"] for q in queries)
    covered = {topic for resource in demo_library() for topic in resource.data["topics"]}
    assert {slugify(name) for name in STARTING_TOPICS} <= covered  # the 20 commonest areas
    formats = {resource.file_format for resource in demo_library() if resource.paragraphs}
    assert formats == {"pdf", "docx"}


def test_practitioner_queries_find_the_right_answer_in_the_top_three(app: FastAPI) -> None:
    search_engine: SearchEngine = app.state.search_engine
    search_engine.ensure_current()
    meili = search_engine.client()
    search_engine.wait(
        meili, [meili.index(search_engine.content_uid).delete_all_documents().task_uid]
    )
    seed_and_index(app)  # as `portal seed --demo` does, then the worker and a reindex

    report = judge(app)

    assert report.rate(3) >= report.target_top3, "\n".join(report.lines())
