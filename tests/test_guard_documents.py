"""The anonymisation guard on uploaded files (issue 19): a file is judged as a whole when
the worker records its text. A strong identifier holds the resource for a moderator,
visible only to its uploader and moderators and kept out of search; weaker findings are a
notice to the uploader. The demo library, built from the practice texts, is never held."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import transaction
from app.demo import seed_demo
from app.resources.documents import docx_from_paragraphs, pdf_from_paragraphs
from app.resources.models import FileVersion, Resource, ResourceStatus
from app.resources.seed import DEMO_RESOURCES, _paragraphs, demo_library, seed_resources
from app.resources.storage import LocalFileStorage
from tests.support.database import see_committed
from tests.support.flows import csrf_token
from tests.support.portal import MakeMember, api, audit_actions, run_worker

TEAM_MANAGER = next(d for d in DEMO_RESOURCES if d.source == "team-manager-interview.txt")
GUIDE = {
    "title": "A team manager on information sharing",
    "summary": "An interview about sharing information between agencies.",
    "type": "briefing",
}


def _document(paragraphs: list[str], file_format: str) -> bytes:
    if file_format == "pdf":
        return pdf_from_paragraphs("A practice text", paragraphs)
    return docx_from_paragraphs(paragraphs)


def _upload(browser: TestClient, name: str, content: bytes, path: str = "/api/v1/resources"):
    return browser.post(
        path,
        data=GUIDE if path == "/api/v1/resources" else {},
        files=[("files", (name, content))],
        headers={"X-CSRFToken": csrf_token(browser)},
    )


def _planted(sentence: str) -> list[str]:
    paragraphs = _paragraphs(TEAM_MANAGER.source or "")
    middle = len(paragraphs) // 2
    return [*paragraphs[:middle], sentence, *paragraphs[middle:]]


def test_the_demo_library_is_not_held(app: FastAPI, client: TestClient, db: Session) -> None:
    settings = app.state.settings
    with transaction(app.state.session_factory) as session:
        seed_demo(session, settings=settings)
        added = seed_resources(
            session, storage=LocalFileStorage(settings.resolved_files_dir), settings=settings
        )
    library = demo_library()
    assert added == len(library)
    run_worker(app)
    see_committed(db)
    versions = list(db.execute(select(FileVersion)).scalars())
    assert len(versions) == sum(1 for demo in library if demo.file_format)
    assert all(version.extraction_status == "done" for version in versions)
    assert all(not any(item["strong"] for item in v.guard_findings or []) for v in versions)
    resources = list(db.execute(select(Resource)).scalars())
    assert [r.title for r in resources if r.guard_held or r.status != "published"] == []


def test_a_file_with_a_planted_date_of_birth_waits_for_a_moderator(
    app: FastAPI,
    client: TestClient,
    db: Session,
    make: MakeMember,
    browser_of: Callable[..., TestClient],
) -> None:
    uploader = make("Ann Author")
    colleague = make("Colin Colleague")
    moderator = make("Mo Moderator", is_moderator=True)
    ann = browser_of(uploader)
    content = _document(_planted("Child's date of birth: 03/02/2019."), "docx")
    created = _upload(ann, "interview.docx", content)
    assert created.status_code == 201, created.text
    resource_id = created.json()["id"]
    run_worker(app)
    see_committed(db)

    resource = db.get(Resource, resource_id)
    assert resource is not None
    assert resource.status == ResourceStatus.HIDDEN and resource.guard_held
    assert "a date of birth" in (resource.status_reason or "")
    assert "resource_held_by_guard" in audit_actions(db)

    page = ann.get(f"/resources/{resource_id}")
    assert page.status_code == 200
    assert "held by the anonymisation guard" in page.text
    assert "Holds the file:" in page.text and "03/02/2019" in page.text
    assert browser_of(moderator).get(f"/resources/{resource_id}").status_code == 200
    # the moderators are told, in the app, by the worker that held it; nobody else is
    told = api(browser_of(moderator), "GET", "/api/v1/notifications").json()["notifications"]
    assert [(n["kind"], n["url"]) for n in told] == [
        ("guard_notice", f"/moderation/guard#held-{resource_id}")
    ]
    assert "“interview.docx” contains a date of birth" in told[0]["text"]
    for member in (uploader, colleague):
        assert api(browser_of(member), "GET", "/api/v1/notifications").json()["notifications"] == []
    other = browser_of(colleague)
    assert other.get(f"/resources/{resource_id}").status_code == 404
    assert other.get(f"/api/v1/resources/{resource_id}").status_code == 404
    assert resource_id not in other.get("/resources").text

    from app.policy.search import is_searchable_resource, searchable_resources_filter

    assert not is_searchable_resource(resource)
    assert db.execute(select(Resource.id).where(searchable_resources_filter())).all() == []

    # the uploader replaces the file with a clean version: the hold is released
    file_id = created.json()["files"][0]["id"]
    clean = _document(_paragraphs(TEAM_MANAGER.source or ""), "docx")
    replaced = ann.post(
        f"/api/v1/resources/{resource_id}/files",
        data={"file_id": file_id, "change_note": "Removed the child's details"},
        files=[("files", ("interview.docx", clean))],
        headers={"X-CSRFToken": csrf_token(ann)},
    )
    assert replaced.status_code in (200, 201), replaced.text
    run_worker(app)
    see_committed(db)
    db.refresh(resource)
    assert resource.status == ResourceStatus.PUBLISHED and not resource.guard_held
    assert other.get(f"/resources/{resource_id}").status_code == 200


def test_a_moderator_clears_a_held_file(
    app: FastAPI,
    client: TestClient,
    db: Session,
    make: MakeMember,
    browser_of: Callable[..., TestClient],
) -> None:
    uploader = make("Ann Author")
    moderator = make("Mo Moderator", is_moderator=True)
    content = _document(_planted("NHS number 943 476 5919."), "pdf")
    created = _upload(browser_of(uploader), "paper.pdf", content)
    resource_id = created.json()["id"]
    run_worker(app)
    see_committed(db)
    assert db.get(Resource, resource_id).guard_held  # type: ignore[union-attr]
    mo = browser_of(moderator)
    queue = mo.get("/moderation/guard")
    assert queue.status_code == 200 and f'id="held-{resource_id}"' in queue.text
    assert browser_of(uploader).get("/moderation/guard").status_code == 404
    cleared = mo.post(
        f"/moderation/held/{resource_id}/clear",
        data={"csrftoken": csrf_token(mo), "reason": "The number is a published example."},
    )
    assert cleared.status_code == 303, cleared.text
    see_committed(db)
    resource = db.get(Resource, resource_id)
    assert resource is not None
    db.refresh(resource)
    assert resource.status == ResourceStatus.PUBLISHED and not resource.guard_held


def test_weaker_findings_are_a_notice_and_do_not_hold(
    app: FastAPI,
    client: TestClient,
    db: Session,
    make: MakeMember,
    browser_of: Callable[..., TestClient],
) -> None:
    uploader = make("Ann Author")
    colleague = make("Colin Colleague")
    content = _document(_planted("One of my young people, Freya (12), is doing well."), "pdf")
    created = _upload(browser_of(uploader), "paper.pdf", content)
    resource_id = created.json()["id"]
    run_worker(app)
    see_committed(db)
    resource = db.get(Resource, resource_id)
    assert resource is not None and resource.status == ResourceStatus.PUBLISHED
    assert not resource.guard_held
    page = browser_of(uploader).get(f"/resources/{resource_id}")
    assert "a first name next to an age" in page.text and "Freya (12)" in page.text
    assert "Holds the file:" not in page.text
    seen_by_colleague = browser_of(colleague).get(f"/resources/{resource_id}")
    assert seen_by_colleague.status_code == 200
    assert "Freya (12)" not in seen_by_colleague.text
