"""Search that speaks practice, against the real Meilisearch of the test session: word
forms through the stemmed fields, every built-in acronym both ways, typo tolerance that
does not turn "court" into "counts", and extracted text normalised (a PDF ligature is
searchable as the plain word)."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.resources.extract_worker import normalise_extracted
from app.search.engine import SEARCH_DEFINITIONS_DIR, SearchEngine, synonym_map
from app.search.text import query_text, stemmed
from tests.support import files
from tests.support.flows import csrf_token
from tests.support.members import signed_in
from tests.test_search import add_resource, member_id_of, run_worker, search, urls

BUILTIN_GROUPS = json.loads((SEARCH_DEFINITIONS_DIR / "synonyms.json").read_text())["groups"]


@pytest.fixture
def reader(app: FastAPI, client: TestClient) -> TestClient:
    """A signed-in member, over the session's index emptied of earlier tests' documents."""
    search_engine: SearchEngine = app.state.search_engine
    search_engine.ensure_current()
    meili = search_engine.client()
    search_engine.wait(
        meili, [meili.index(search_engine.content_uid).delete_all_documents().task_uid]
    )
    signed_in(client, subject="reader", name="Rita Reader")
    return client


def test_a_plural_finds_the_singular_and_back(app: FastAPI, reader: TestClient) -> None:
    owner = member_id_of(reader)
    plural = add_resource(app, owner, title="Family group conferences in practice")
    singular = add_resource(app, owner, title="Writing a pathway plan with a young person")
    gerund = add_resource(app, owner, title="Planning reunification with parents")
    unrelated = add_resource(app, owner, title="Supervision notes")
    run_worker(app)

    assert urls(reader, "family group conference") == [f"/resources/{plural}"]
    assert urls(reader, "pathway plans")[0] == f"/resources/{singular}"
    assert urls(reader, "reunification plan") == [f"/resources/{gerund}"]
    assert f"/resources/{unrelated}" not in urls(reader, "conferences")


def test_the_exact_field_outranks_its_stemmed_shadow(app: FastAPI, reader: TestClient) -> None:
    owner = member_id_of(reader)
    in_body = add_resource(
        app, owner, title="Care planning", summary="How conferences decide on plans."
    )
    in_title = add_resource(app, owner, title="Conferences", summary="A guide.")
    run_worker(app)

    assert urls(reader, "conferences") == [f"/resources/{in_title}", f"/resources/{in_body}"]


@pytest.mark.parametrize("group", BUILTIN_GROUPS, ids=[group[0] for group in BUILTIN_GROUPS])
def test_each_acronym_finds_its_phrase_and_back(
    app: FastAPI, reader: TestClient, group: list[str]
) -> None:
    acronym, phrases = group[0], group[1:]
    owner = member_id_of(reader)
    spelled = add_resource(app, owner, title=f"Notes on {phrases[-1].title()} for teams")
    short = add_resource(app, owner, title=f"The {acronym.upper()} checklist")
    run_worker(app)

    assert f"/resources/{spelled}" in urls(reader, acronym.upper())[:3]
    for phrase in phrases:
        assert f"/resources/{short}" in urls(reader, phrase)[:3], phrase


def test_an_acronym_reaches_the_core_phrase_and_punctuation_does_not_break_it(
    app: FastAPI, reader: TestClient
) -> None:
    owner = member_id_of(reader)
    core = add_resource(app, owner, title="Special guardianship: assessing connected carers")
    comma = add_resource(app, owner, title="Writing an education, health and care plan")
    plural = add_resource(app, owner, title="Supporting children in need at home")
    run_worker(app)

    assert urls(reader, "SGO") == [f"/resources/{core}"]
    assert urls(reader, "EHCP") == [f"/resources/{comma}"]
    assert urls(reader, "CiN") == [f"/resources/{plural}"]
    assert urls(reader, "child in need")[0] == f"/resources/{plural}"


def test_court_does_not_match_counts_or_country(app: FastAPI, reader: TestClient) -> None:
    owner = member_id_of(reader)
    court = add_resource(app, owner, title="Court skills for new social workers")
    add_resource(app, owner, title="Reflective writing", summary="Counts towards your CPD record.")
    add_resource(app, owner, title="Practice across the country", summary="A regional view.")
    run_worker(app)

    assert urls(reader, "court") == [f"/resources/{court}"]
    assert urls(reader, "counts") != [f"/resources/{court}"]
    # A longer misspelt word still finds its document.
    assert urls(reader, "reflectve writing")[:1] != []


def test_a_ligature_in_a_pdf_is_searchable_as_the_plain_word(
    app: FastAPI, reader: TestClient
) -> None:
    response = reader.post(
        "/api/v1/resources",
        data={"title": "Working together", "summary": "A short guide.", "type": "practice_guide"},
        files=[("files", ("guide.pdf", files.ligature_pdf("Parents in di", "culties")))],
        headers={"X-CSRFToken": csrf_token(reader)},
    )
    assert response.status_code == 201, response.text
    run_worker(app)

    found = search(reader, "difficulties")
    assert [hit["url"] for hit in found["hits"]] == [f"/resources/{response.json()['id']}"]
    assert "<mark>difficulties</mark>" in found["hits"][0]["snippet_html"]


def test_extracted_text_is_normalised() -> None:
    text = "di\ufb03culties, \ufb01nding diffi-\nculties pre-\nproceedings co\u00adordinate  x"
    assert normalise_extracted(text) == (
        "difficulties, finding difficulties pre-proceedings coordinate x"
    )
    assert normalise_extracted("2023-\n24 Anti-\nRacist") == "2023-\n24 Anti-\nRacist"


def test_query_and_synonyms_are_normalised_as_the_index_is() -> None:
    assert query_text("Children's pre-proceedings meetings") == "child pre proceed meet"
    assert stemmed("Children\u2019s pre-proceedings meetings") == "child pre proceed meet"
    assert query_text('"care planning" -court OR plans') == '"care plan" court or plan'
    mapping = synonym_map([["SGO", "Special Guardianship, Orders"]])
    assert mapping["sgo"] == ["special guardianship order", "special guardianship orders"]
    assert "sgo" in mapping["special guardianship order"]
