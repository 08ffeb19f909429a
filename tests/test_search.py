"""Search against the real Meilisearch of the test session: typo tolerance, synonyms both
ways, text inside uploaded files, removal of hidden and deleted content, access by group,
hostile queries that must never widen what a member sees, and the full rebuild (settings
once before the documents, rows read in pages, payloads bounded by bytes)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from app.db import transaction
from app.discussions import service as discussions
from app.discussions.models import Category, Post
from app.discussions.schemas import CategoryWrite, PostCreate, ThreadCreate
from app.groups.models import Group, GroupKind, GroupMembership, GroupRole
from app.members import service as members
from app.members.models import Member
from app.outbox.models import OutboxMessage
from app.outbox.service import drain_once
from app.outbox.sync import enqueue_sync
from app.resources import service as resources
from app.resources.schemas import ResourceData
from app.search.document_queries import all_documents
from app.search.engine import SearchEngine
from app.search.service import result_count
from app.search.sync import payloads, reindex
from app.worker import registered_handlers
from tests.support import files
from tests.support.database import see_committed
from tests.support.flows import csrf_token
from tests.support.members import add_member, browser, signed_in


@pytest.fixture
def engine(app: FastAPI) -> Iterator[SearchEngine]:
    """The session's index, emptied: documents of earlier tests outlive their rows."""
    search_engine: SearchEngine = app.state.search_engine
    search_engine.ensure_current()
    client = search_engine.client()
    search_engine.wait(
        client, [client.index(search_engine.content_uid).delete_all_documents().task_uid]
    )
    yield search_engine


def run_worker(app: FastAPI) -> None:
    handlers = registered_handlers(app.state.session_factory, app.state.settings)
    while drain_once(app.state.session_factory, handlers):
        pass


@pytest.fixture
def reader(client: TestClient, engine: SearchEngine) -> TestClient:
    signed_in(client, subject="reader", name="Rita Reader")
    return client


def member_id_of(client: TestClient) -> str:
    return str(client.get("/api/v1/me").json()["id"])


def add_resource(app: FastAPI, owner_id: str, **fields: Any) -> str:
    data = {"summary": "A practice guide.", "type": "practice_guide", "topics": [], **fields}
    text = data.pop("file_text", None)
    group_id = data.pop("group_id", None)
    with transaction(app.state.session_factory) as db:
        resource = resources.create_resource(
            db,
            storage=app.state.file_storage,
            actor=db.get_one(Member, owner_id),
            data=ResourceData(**data, external_url=None if text else "https://example.org/guide"),
            uploads=[resources.Upload("notes.txt", io.BytesIO(text.encode()))] if text else [],
            max_bytes=1024 * 1024,
        )
        if group_id:
            resource.group_id = group_id  # arranged: the groups service owns posting rules
        return resource.id


def search(client: TestClient, q: str = "", **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return dict(response.json())


def urls(client: TestClient, q: str = "", **params: Any) -> list[str]:
    return [hit["url"] for hit in search(client, q, **params)["hits"]]


def test_a_misspelt_word_still_finds_the_document(app: FastAPI, reader: TestClient) -> None:
    resource_id = add_resource(app, member_id_of(reader), title="Writing chronologies that help")
    run_worker(app)

    found = search(reader, "chronolgies")
    assert [hit["url"] for hit in found["hits"]] == [f"/resources/{resource_id}"]
    assert found["did_you_mean"] == "chronologies"
    assert "<mark>" in found["hits"][0]["title_html"]


def test_acronyms_find_the_spelled_out_terms_and_back(app: FastAPI, reader: TestClient) -> None:
    owner = member_id_of(reader)
    lac = add_resource(app, owner, title="Planning for looked after children")
    cse = add_resource(app, owner, title="CSE screening tool")
    ehcp = add_resource(app, owner, title="Writing an education, health and care plan")
    run_worker(app)

    assert urls(reader, "LAC") == [f"/resources/{lac}"]
    assert urls(reader, "children in care")[0] == f"/resources/{lac}"
    # Stemmed, "child" also matches "children": the full phrase comes first, partial after.
    assert urls(reader, "child sexual exploitation")[0] == f"/resources/{cse}"
    assert urls(reader, "EHCP") == [f"/resources/{ehcp}"]


def test_a_phrase_only_inside_an_uploaded_pdf_finds_its_resource(
    app: FastAPI, reader: TestClient
) -> None:
    pdf = files.pdf_with_text(
        "Introduction to the guide.",
        "Use the quiet harbour protocol when planning reunification after care.",
    )
    response = reader.post(
        "/api/v1/resources",
        data={
            "title": "Reunification guide",
            "summary": "Returning home.",
            "type": "practice_guide",
        },
        files=[("files", ("guide.pdf", pdf))],
        headers={"X-CSRFToken": csrf_token(reader)},
    )
    assert response.status_code == 201, response.text
    run_worker(app)  # extraction, then the index update it queues

    found = search(reader, '"quiet harbour protocol"')
    assert [hit["url"] for hit in found["hits"]] == [f"/resources/{response.json()['id']}"]
    assert "<mark>quiet harbour protocol</mark>" in found["hits"][0]["snippet_html"]
    assert found["total"] == 1, "the resource shows once, not once per chunk"


def test_hidden_deleted_and_suspended_things_disappear(
    app: FastAPI, reader: TestClient, db: Session
) -> None:
    me = member_id_of(reader)
    moderator = add_member(db, "Mo Derator", is_admin=True)
    other = add_member(db, "Zebedee Quartermain", job_title="Team manager")
    resource_id = add_resource(app, me, title="Kinship care assessments")
    with transaction(app.state.session_factory) as session:
        enqueue_sync(session, kind="member", id=other)  # arranged directly in the database
    with transaction(app.state.session_factory) as session:
        discussions.create_category(
            session, actor=session.get_one(Member, moderator), data=CategoryWrite(name="Practice")
        )
    with transaction(app.state.session_factory) as session:
        category_id = session.execute(select(Category.id)).scalar_one()
        author = session.get_one(Member, me)
        thread = discussions.start_thread(
            session,
            actor=author,
            data=ThreadCreate(category_id=category_id, title="Genograms in court", body="Opening."),
        )
        post = discussions.reply(
            session,
            actor=author,
            thread_id=thread.id,
            data=PostCreate(body="Ecomaps are persuasive too."),
        )
        thread_id, post_id = thread.id, post.id
    run_worker(app)
    assert urls(reader, "kinship") == [f"/resources/{resource_id}"]
    assert urls(reader, "ecomaps") == [f"/discussions/p/{post_id}"]
    assert urls(reader, "quartermain") == [f"/members/{other}"]

    with transaction(app.state.session_factory) as session:
        actor = session.get_one(Member, moderator)
        resources.delete_resource(session, actor=actor, resource_id=resource_id)
        discussions.hide_post(session, actor=actor, post_id=post_id, reason="Identifying.")
        members.suspend(session, actor=actor, member_id=other, reason="Conduct.")
    run_worker(app)
    assert urls(reader, "kinship") == []
    assert urls(reader, "ecomaps") == []
    assert urls(reader, "quartermain") == []
    assert urls(reader, "genograms") == [f"/discussions/t/{thread_id}"]

    with transaction(app.state.session_factory) as session:
        actor = session.get_one(Member, moderator)
        opening = session.execute(
            select(Post.id).where(Post.thread_id == thread_id, Post.number == 1)
        ).scalar_one()
        discussions.delete_post(session, actor=actor, post_id=opening)
        resources.restore_resource(session, actor=actor, resource_id=resource_id)
    run_worker(app)
    assert urls(reader, "genograms") == []
    assert urls(reader, "kinship") == [f"/resources/{resource_id}"]


def _private_group(db: Session, member_ids: list[str]) -> str:
    db.rollback()
    group = Group(
        name="PSW network", slug="psw-network", description="Private.", kind=GroupKind.PRIVATE
    )
    db.add(group)
    db.flush()
    for member_id in member_ids:
        db.add(GroupMembership(group_id=group.id, member_id=member_id, role=GroupRole.MEMBER))
    db.commit()
    return group.id


def test_a_member_removed_from_a_private_group_stops_finding_its_content(
    app: FastAPI, reader: TestClient, db: Session
) -> None:
    me = member_id_of(reader)
    group_id = _private_group(db, [me])
    secret = add_resource(app, me, title="Restructuring the front door", group_id=group_id)
    public = add_resource(app, me, title="Front door practice principles")
    run_worker(app)
    assert set(urls(reader, "front door")) == {f"/resources/{secret}", f"/resources/{public}"}

    db.execute(delete(GroupMembership).where(GroupMembership.member_id == me))
    db.commit()
    run_worker(app)
    assert urls(reader, "front door") == [f"/resources/{public}"]
    assert urls(reader, "restructuring") == []


CRAFTED_QUERIES = [
    'front" OR group_id EXISTS OR "',
    "front door group_id IS NOT NULL",
    "front AND door OR restructuring",
    '\\\\" OR 1=1 \\',
    "kind = resource TO 9999",
    "front " * 2_000,
]
CRAFTED_FACETS = [
    {"topic": 'x" OR group_id EXISTS OR topics = "y'},
    {"organisation": '\\" OR group_id IS NOT NULL OR organisation = \\"'},
    {"type": 'practice_guide" OR group_id EXISTS OR type = "x'},
    {"year": "2020 OR group_id EXISTS"},
    {"kind": 'resource" OR kind = "member'},
]


def test_crafted_queries_and_facet_values_never_widen_access(
    app: FastAPI, reader: TestClient, db: Session
) -> None:
    insider = add_member(db, "Ida Insider")
    group_id = _private_group(db, [insider])
    secret = add_resource(app, insider, title="Restructuring the front door", group_id=group_id)
    run_worker(app)
    for q in CRAFTED_QUERIES:
        for params in [{}, *CRAFTED_FACETS]:
            response = reader.get("/api/v1/search", params={"q": q, **params})
            assert response.status_code in (200, 422), (q, params, response.text)
            assert secret not in response.text
            page = reader.get("/search", params={"q": q, **params})
            assert page.status_code == 200, (q, params)
            assert secret not in page.text


def test_bad_input_gets_a_clear_answer(app: FastAPI, reader: TestClient) -> None:
    add_resource(app, member_id_of(reader), title="Chronologies")
    run_worker(app)

    everything = search(reader, "")
    assert everything["total"] == 2, "an empty query lists all the member may see"
    assert {hit["kind"] for hit in everything["hits"]} == {"resource", "member"}
    long = search(reader, "chronologies " * 800)
    assert long["total"] == 1 and "the first 200 were used" in long["notices"][0]
    search(reader, '"\\\\"')  # a phrase of backslashes: answered, not an error
    assert "only 1 page of results; page 40 is empty" in "".join(
        search(reader, "chronologies", page=40)["notices"]
    )
    assert "there is no page 9000" in "".join(search(reader, "x", page=9000)["notices"])

    unknown = reader.get("/api/v1/search", params={"q": "x", "colour": "red"})
    assert unknown.status_code == 422
    assert "There is no filter called “colour”" in unknown.text
    for params in [{"year": "twenty"}, {"kind": "secrets"}, {"page": "0"}, {"page": "x"}]:
        assert reader.get("/api/v1/search", params={"q": "x", **params}).status_code == 422

    page = reader.get("/search", params={"q": "chronologies", "colour": "red", "page": "x"})
    assert page.status_code == 200
    assert "There is no filter called “colour”" in page.text and "It was ignored" in page.text
    empty = reader.get("/search")
    assert empty.status_code == 200 and "Type what you are looking for" in empty.text


def test_snippets_are_escaped_and_only_marks_are_markup(app: FastAPI, reader: TestClient) -> None:
    add_resource(
        app,
        member_id_of(reader),
        title="Escaping <script>alert(1)</script> guide",
        summary="Chronology \ue000forged\ue001 <b>bold</b> & more",
    )
    run_worker(app)
    hit = search(reader, "chronology")["hits"][0]
    assert "&lt;script&gt;" in hit["title_html"] and "<script>" not in hit["title_html"]
    assert "<mark>Chronology</mark>" in hit["snippet_html"]
    assert "<mark>forged</mark>" not in hit["snippet_html"]
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in hit["snippet_html"]
    page = reader.get("/search", params={"q": "chronology"})
    assert "<script>alert(1)</script>" not in page.text
    assert "<mark>Chronology</mark>" in page.text


def test_search_page_shows_kinds_facets_and_pages(app: FastAPI, reader: TestClient) -> None:
    owner = member_id_of(reader)
    for number in range(23):
        add_resource(
            app,
            owner,
            title=f"Supervision guide {number}",
            topics=["child-protection"] if number % 2 else [],
            publication_year=2020 + number % 3,
        )
    run_worker(app)

    page = reader.get("/search", params={"q": "supervision"})
    assert page.status_code == 200
    assert "23 results" in page.text
    assert "Resources (23)" in page.text
    tab = reader.get("/search", params={"q": "supervision", "kind": "member"})
    assert "Resources (23)" in tab.text, "the kind tabs count every kind"
    assert "0 results" in tab.text
    assert 'aria-label="Pages of results"' in page.text
    filtered = search(reader, "supervision", topic="Child protection", year="2021")
    assert filtered["total"] == len([n for n in range(23) if n % 2 and 2020 + n % 3 == 2021])
    assert search(reader, "supervision", page=2)["hits"]
    years = [facet["value"] for facet in search(reader, "supervision")["facets"]["year"]]
    assert years == ["2022", "2021", "2020"]


def test_members_are_found_only_by_fields_they_show_to_everyone(
    app: FastAPI, reader: TestClient, db: Session
) -> None:
    shown = add_member(db, "Priya Patel", job_title="Advanced practitioner", bio="Fostering panels")
    hidden = add_member(
        db,
        "Owen Okafor",
        job_title="Reviewing officer",
        bio="Adoption support",
        visibility={"job_title": "organisation", "bio": "only_me"},
    )
    with transaction(app.state.session_factory) as session:
        for member_id in (shown, hidden):
            enqueue_sync(session, kind="member", id=member_id)
    run_worker(app)
    assert urls(reader, "fostering panels") == [f"/members/{shown}"]
    assert urls(reader, "okafor") == [f"/members/{hidden}"]
    assert urls(reader, "reviewing officer") == []
    assert urls(reader, "adoption support") == []


def test_admins_add_synonyms_and_see_failing_updates(
    app: FastAPI, reader: TestClient, db: Session
) -> None:
    add_resource(app, member_id_of(reader), title="Return home interviews explained")
    run_worker(app)
    assert urls(reader, "rhi") == []
    assert reader.get("/admin/search").status_code == 404

    admin = browser(app)
    admin_id = signed_in(admin, subject="admin", name="Ada Admin")
    see_committed(db)
    db.get_one(Member, admin_id).is_admin = True
    db.commit()
    added = admin.post(
        "/admin/search/synonyms",
        data={"terms": "RHI, return-home interview"},
        headers={"X-CSRFToken": csrf_token(admin)},
    )
    assert added.status_code == 303, added.text
    refused = admin.post(
        "/admin/search/synonyms",
        data={"terms": "lonely"},
        headers={"X-CSRFToken": csrf_token(admin)},
    )
    assert refused.status_code == 422 and "at least two terms" in refused.text
    run_worker(app)
    # Normalised as the built-in groups are: the hyphen and the plural do not break it.
    assert len(urls(reader, "rhi")) == 1

    db.add(
        OutboxMessage(
            topic="search.sync",
            payload={"kind": "resource", "id": "x"},
            attempts=5,
            last_error="TaskFailed: boom",
        )
    )
    db.commit()
    page = admin.get("/admin/search")
    assert page.status_code == 200
    assert "rhi · return-home interview" in page.text
    assert "looked after children" in page.text
    assert "TaskFailed: boom" in page.text


def test_reindex_swaps_in_a_complete_index(app: FastAPI, reader: TestClient, db: Session) -> None:
    resource_id = add_resource(app, member_id_of(reader), title="Direct work with siblings")
    with transaction(app.state.session_factory) as session:
        session.execute(delete(OutboxMessage))  # as if the worker had never run
    engine: SearchEngine = app.state.search_engine
    assert urls(reader, "siblings") == []

    report = reindex(app.state.session_factory, engine)

    assert report.documents >= 2  # the resource and its reader
    assert urls(reader, "siblings") == [f"/resources/{resource_id}"]
    names = {index.uid for index in engine.client().get_indexes({"limit": 1000})["results"]}
    assert engine.index_uid("content_next") not in names


def test_search_unavailable_is_not_no_results(
    app: FastAPI, reader: TestClient, db: Session
) -> None:
    """Meilisearch pointed at a closed port: the page says so, the API answers 503, and
    everything else, writes included, works."""
    engine: SearchEngine = app.state.search_engine
    app.state.search_engine = SearchEngine(
        url="http://127.0.0.1:9", master_key="x", index_prefix="gone"
    )
    try:
        page = reader.get("/search", params={"q": "anything"})
        assert page.status_code == 200
        assert "Search is temporarily unavailable" in page.text
        assert "Nothing matched" not in page.text
        api = reader.get("/api/v1/search", params={"q": "anything"})
        assert api.status_code == 503 and api.json()["status"] == 503
        assert reader.get("/search/suggest", params={"q": "anything"}).status_code == 200
        assert reader.get("/resources").status_code == 200
        added = reader.post(
            "/api/v1/resources",
            data={
                "title": "Written while search is down",
                "summary": "S",
                "type": "briefing",
                "external_url": "https://example.org",
            },
            headers={"X-CSRFToken": csrf_token(reader)},
        )
        assert added.status_code == 201
        assert reader.get("/readyz").status_code == 200  # search down: still serving
        ready = reader.get("/readyz", params={"full": "1"})
        assert ready.status_code == 503 and ready.json()["checks"]["search"].startswith(
            "unreachable"
        )
    finally:
        app.state.search_engine = engine


def test_suggestions_fragment(app: FastAPI, reader: TestClient) -> None:
    add_resource(app, member_id_of(reader), title="Neglect toolkit")
    run_worker(app)
    fragment = reader.get("/search/suggest", params={"q": "negl"})
    assert fragment.status_code == 200
    assert (
        "<mark>Negl</mark>ect toolkit" in fragment.text or "<mark>Neglect</mark>" in fragment.text
    )
    assert "<html" not in fragment.text.lower()
    assert reader.get("/search/suggest", params={"q": "n"}).text.strip() == ""


# --- the full rebuild at any size -------------------------------------------------------

FILE_TEXT = "Chronology of involvement, direct work with siblings and the family network. " * 60


@pytest.fixture
def rebuilt_resources(app: FastAPI, reader: TestClient) -> list[str]:
    owner = member_id_of(reader)
    ids = [
        add_resource(app, owner, title=f"Sibling assessments {number}", file_text=FILE_TEXT)
        for number in range(5)
    ]
    run_worker(app)  # reads the files' text
    return ids


def test_settings_go_to_the_empty_index_once_before_any_document(
    app: FastAPI, reader: TestClient, rebuilt_resources: list[str]
) -> None:
    search_engine: SearchEngine = app.state.search_engine
    client = search_engine.client()
    since = client.get_tasks({"limit": 1}).results[0].uid + 1

    report = reindex(app.state.session_factory, search_engine, payload_bytes=4_000)

    # The swap renames the indexes in the task history too: look under both names.
    uids = [search_engine.index_uid("content_next"), search_engine.content_uid]
    tasks = [
        task
        for task in client.get_tasks({"indexUids": uids, "limit": 1000}).results
        if task.uid >= since
    ]
    settings = [task.uid for task in tasks if task.type == "settingsUpdate"]
    additions = [task for task in tasks if task.type == "documentAdditionOrUpdate"]
    assert len(settings) == 1, "the settings are applied once"
    assert len(additions) > 2, "small payloads: the documents went in several"
    assert settings[0] < min(task.uid for task in additions)
    assert all(task.status == "succeeded" for task in additions)
    assert sum(int(task.details["receivedDocuments"]) for task in additions) == report.documents
    assert len(urls(reader, "siblings")) == 5


def test_the_rebuild_reads_rows_in_pages_as_it_sends(
    app: FastAPI, reader: TestClient, rebuilt_resources: list[str]
) -> None:
    """Nothing reads every row up front: the first documents come out after one page of
    resources was read, and each page is a bounded query."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    database = app.state.engine
    event.listen(database, "before_cursor_execute", record)
    try:
        with transaction(app.state.session_factory) as db:
            batches: Iterator[list[dict[str, Any]]] = all_documents(db, batch=10)
            first = next(batches)
            pages_before_first = [s for s in statements if "FROM resource " in s and "LIMIT" in s]
            rest = list(batches)
    finally:
        event.remove(database, "before_cursor_execute", record)

    assert len(pages_before_first) == 1
    parents = {document["parent_id"] for document in first}
    assert len(parents) <= 2, "one page of resources per batch"
    resource_pages = [s for s in statements if "FROM resource " in s and "LIMIT" in s]
    assert len(resource_pages) >= 3, "five resources in pages of two (batch // 5)"
    documents = [document for batch in [first, *rest] for document in batch]
    assert {f"resource-{rid}" for rid in rebuilt_resources} <= {d["id"] for d in documents}


def test_payloads_are_bounded_by_bytes_and_keep_every_document() -> None:
    documents = [{"id": f"doc-{n}", "body": "word " * (n % 50)} for n in range(300)]
    batches = iter([documents[:120], documents[120:121], documents[121:]])
    limit = 2_000
    biggest = max(len(json.dumps(d, separators=(",", ":"))) for d in documents) + 1

    sent = list(payloads(batches, limit))

    assert len(sent) > 5
    assert all(len(payload) < limit + biggest for payload, _ in sent)
    decoded = [json.loads(line) for payload, _ in sent for line in payload.split(b"\n")]
    assert decoded == documents
    assert sum(count for _, count in sent) == len(documents)


def test_the_count_is_exact_unless_the_page_is_full() -> None:
    """Pages are asked for with offset and limit (an exact total with a distinct attribute
    deduplicates every candidate); a page that is not full means every candidate was seen."""
    full = {"hits": [{}] * 20, "estimatedTotalHits": 431}
    assert result_count(full, 0, 20) == (431, True)
    assert result_count({"hits": [{}] * 7, "estimatedTotalHits": 31}, 40, 20) == (47, False)
    assert result_count({"hits": [], "estimatedTotalHits": 12}, 60, 20) == (12, False)
    assert result_count({"hits": [{}] * 20, "estimatedTotalHits": 3}, 20, 20) == (40, True)
