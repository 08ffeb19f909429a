"""Issue 14, part B: resource forms that never lose work. Every field error at once in
plain words, a field required only where it must be, chosen files kept across an error
(only for their uploader, for a limited time), new versions, renaming and removing files
with history kept, and a group's resource defaulting to the group."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import transaction, utcnow
from app.groups.models import Group, GroupKind, GroupRole
from app.members.models import Member
from app.resources.models import FileVersion, Resource, ResourceFile
from app.uploads.models import StagedUpload
from app.uploads.staging import STAGED_UPLOAD_LIFETIME, remove_expired_staged_uploads
from app.uploads.worker_tasks import staged_upload_tasks
from app.worker import worker_tasks
from tests.support import files
from tests.support.database import count_rows, see_committed
from tests.support.flows import csrf_token
from tests.support.members import browser, signed_in
from tests.support.portal import add_group
from tests.support.sessions import sign_in_as_member
from tests.support.statements import counted_statements

PAPER_WITHOUT_RECORD = {
    "title": "Neglect and poverty in two authorities",
    "summary": "What practitioners told us.",
    "type": "research_paper",
    "publication_year": "",
    "authors": "",
    "abstract": "",
}


@pytest.fixture
def author(client: TestClient) -> TestClient:
    signed_in(client, subject="academic", name="Ada Academic")
    return client


def post_form(
    client: TestClient,
    path: str,
    data: dict[str, Any],
    file_parts: list[tuple[str, bytes]] | None = None,
) -> Any:
    """The form as the browser sends it: multipart, the token its first field (see
    app/security/csrf.py); without files the test client sends it url-encoded."""
    token = csrf_token(client)
    return client.post(
        path,
        data={**data, "csrftoken": token},
        files=[("files", (name, content)) for name, content in (file_parts or [])],
    )


def error_summary(html: str) -> list[str]:
    summary = html.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in summary.split("<li>")[1:]]


def staged_ids(html: str) -> list[str]:
    return re.findall(r'name="staged" type="checkbox" value="([^"]+)" checked', html)


# --- every error at once, in plain words -------------------------------------------------


def test_research_paper_without_year_authors_and_abstract_shows_all_three(
    author: TestClient, db: Session
) -> None:
    response = post_form(
        author, "/resources", {**PAPER_WITHOUT_RECORD, "title": ""}, [("paper.txt", b"Text")]
    )

    assert response.status_code == 422
    assert error_summary(response.text) == [
        "Enter the title",
        "Enter the year of publication: a research paper needs it",
        "Enter the authors: a research paper needs them",
        "Enter the abstract: a research paper needs it",
    ]
    assert "Input should" not in response.text and "Value error" not in response.text
    assert "<title>Error: Add a resource" in response.text
    assert count_rows(db, Resource) == 0


def test_a_year_that_is_not_a_number_is_said_in_plain_words(author: TestClient) -> None:
    response = post_form(
        author,
        "/resources",
        {
            "title": "A briefing",
            "summary": "Short.",
            "type": "briefing",
            "publication_year": "2O24",
        },
        [("briefing.txt", b"Text")],
    )

    assert response.status_code == 422
    assert error_summary(response.text) == ["Year of publication must be a whole number, like 2024"]
    assert 'value="2O24"' in response.text


def test_a_briefing_needs_no_year(author: TestClient, db: Session) -> None:
    response = post_form(
        author,
        "/resources",
        {
            "title": "Briefing: neglect",
            "summary": "Short.",
            "type": "briefing",
            "publication_year": "",
        },
        [("briefing.txt", b"Briefing text")],
    )

    assert response.status_code == 303, response.text
    see_committed(db)
    assert db.execute(select(Resource.publication_year)).scalar_one() is None


def test_missing_file_is_reported_with_the_field_errors(author: TestClient) -> None:
    response = post_form(author, "/resources", {"title": "", "summary": "", "type": "briefing"})

    assert response.status_code == 422
    assert error_summary(response.text) == [
        "Enter the title",
        "Enter the summary",
        "Choose a file to upload, or enter a web address",
    ]


def test_a_refused_file_is_reported_beside_the_other_errors_and_not_kept(
    author: TestClient, db: Session
) -> None:
    response = post_form(
        author,
        "/resources",
        {"title": "", "summary": "Kept.", "type": "briefing"},
        [("tool.exe", files.windows_executable()), ("notes.txt", b"Good notes")],
    )

    assert response.status_code == 422
    summary = error_summary(response.text)
    assert summary[0] == "Enter the title"
    assert "Files ending .exe are not accepted" in summary[1]
    see_committed(db)
    assert list(db.execute(select(StagedUpload.original_filename)).scalars()) == ["notes.txt"]


# --- files kept across an error --------------------------------------------------------------


def test_a_chosen_file_stays_attached_across_an_error_and_is_used_once(
    author: TestClient, db: Session
) -> None:
    shown = post_form(
        author, "/resources", PAPER_WITHOUT_RECORD, [("paper.pdf", files.pdf_with_text("Findings"))]
    )
    assert shown.status_code == 422
    assert "Already attached" in shown.text and "paper.pdf (PDF" in shown.text
    [kept] = staged_ids(shown.text)

    fixed = post_form(
        author,
        "/resources",
        {
            **PAPER_WITHOUT_RECORD,
            "publication_year": "2024",
            "authors": "Moss, H.",
            "abstract": "We studied neglect.",
            "staged": kept,
        },
    )

    assert fixed.status_code == 303, fixed.text
    see_committed(db)
    assert db.execute(select(FileVersion.original_filename)).scalars().all() == ["paper.pdf"]
    assert db.execute(select(ResourceFile.name)).scalars().all() == ["paper.pdf"]
    assert count_rows(db, StagedUpload) == 0
    again = post_form(
        author,
        "/resources",
        {"title": "Again", "summary": "S.", "type": "briefing", "staged": kept},
    )
    assert again.status_code == 422
    assert "Choose a file to upload" in again.text


def test_an_unticked_file_is_left_out(author: TestClient) -> None:
    shown = post_form(
        author,
        "/resources",
        {"title": "", "summary": "S.", "type": "briefing"},
        [("a.txt", b"A")],
    )
    assert staged_ids(shown.text)

    again = post_form(author, "/resources", {"title": "T", "summary": "S.", "type": "briefing"})

    assert again.status_code == 422
    assert "Choose a file to upload" in again.text and "a.txt" not in again.text


def test_a_kept_file_is_only_its_uploaders_in_that_session(
    app: FastAPI, author: TestClient, db: Session
) -> None:
    shown = post_form(
        author,
        "/resources",
        {"title": "", "summary": "S.", "type": "briefing"},
        [("private-notes.txt", b"Only mine")],
    )
    [kept] = staged_ids(shown.text)
    fields = {"title": "Taken", "summary": "S.", "type": "briefing", "staged": kept}

    other = browser(app)
    signed_in(other, subject="other", name="Otto Other")
    by_other = post_form(other, "/resources", fields)
    author_id = db.execute(
        select(Member.id).where(Member.display_name == "Ada Academic")
    ).scalar_one()
    second_session = browser(app)
    sign_in_as_member(second_session, author_id)
    by_second_session = post_form(second_session, "/resources", fields)

    for response in (by_other, by_second_session):
        assert response.status_code == 422
        assert "private-notes.txt" not in response.text
        assert "Choose a file to upload" in response.text
    see_committed(db)
    assert count_rows(db, Resource) == 0 and count_rows(db, StagedUpload) == 1


def test_kept_files_expire_and_the_worker_removes_them(
    app: FastAPI, author: TestClient, db: Session
) -> None:
    storage = app.state.file_storage
    shared = b"Same content as a published file"
    post_form(
        author,
        "/resources",
        {"title": "Kept", "summary": "S.", "type": "briefing"},
        [("published.txt", shared)],
    )
    shown = post_form(
        author,
        "/resources",
        {"title": "", "summary": "S.", "type": "briefing"},
        [("draft.txt", b"Never sent again"), ("copy.txt", shared)],
    )
    assert len(staged_ids(shown.text)) == 2
    see_committed(db)
    keys = dict(db.execute(select(StagedUpload.original_filename, StagedUpload.storage_key)).all())
    assert storage.exists(keys["draft.txt"]) and storage.exists(keys["copy.txt"])

    with transaction(app.state.session_factory) as session:
        kept_now = remove_expired_staged_uploads(session, storage=storage)
    assert kept_now == 0
    later = utcnow() + STAGED_UPLOAD_LIFETIME + timedelta(minutes=1)
    with transaction(app.state.session_factory) as session:
        # the files were written a moment ago; the clean-up's grace period is for uploads
        # racing it, so it is set aside here by ageing the files
        for key in keys.values():
            path = storage.path_of(key)
            old = path.stat().st_mtime - 3600
            os.utime(path, (old, old))
        removed = remove_expired_staged_uploads(session, storage=storage, now=later)

    assert removed == 2
    see_committed(db)
    assert count_rows(db, StagedUpload) == 0
    assert not storage.exists(keys["draft.txt"])
    assert storage.exists(keys["copy.txt"])  # a published version has the same content
    expired = post_form(
        author,
        "/resources",
        {"title": "T", "summary": "S.", "type": "briefing", "staged": list(keys.values())},
    )
    assert expired.status_code == 422 and "Choose a file to upload" in expired.text


def test_a_kept_file_goes_when_its_session_ends(
    app: FastAPI, author: TestClient, db: Session
) -> None:
    post_form(
        author, "/resources", {"title": "", "summary": "S.", "type": "briefing"}, [("a.txt", b"A")]
    )
    author.post("/auth/sign-out", data={"csrftoken": csrf_token(author)})
    with transaction(app.state.session_factory) as session:
        removed = remove_expired_staged_uploads(session, storage=app.state.file_storage)
    assert removed == 1


# --- versions, renaming and removing --------------------------------------------------------


def _resource_with_two_files(author: TestClient, db: Session) -> tuple[str, dict[str, str]]:
    created = post_form(
        author,
        "/resources",
        {"title": "Chronologies", "summary": "A guide.", "type": "practice_guide"},
        [("chronology.txt", b"Version one"), ("checklist.txt", b"Checklist")],
    )
    assert created.status_code == 303, created.text
    resource_id = created.headers["location"].rsplit("/", 1)[1]
    see_committed(db)
    ids = dict(db.execute(select(ResourceFile.name, ResourceFile.id)).all())
    return resource_id, ids


def test_a_new_version_without_a_note_keeps_the_file_and_asks_for_the_note(
    author: TestClient, db: Session
) -> None:
    resource_id, ids = _resource_with_two_files(author, db)
    file_id = ids["chronology.txt"]

    refused = post_form(
        author,
        f"/resources/{resource_id}/files",
        {"file_id": file_id, "change_note": ""},
        [("chronology-v2.txt", b"Version two")],
    )
    assert refused.status_code == 422
    assert error_summary(refused.text) == ["Say what changed in this version"]
    assert f'href="#version-{file_id}-note"' in refused.text
    [kept] = staged_ids(refused.text)

    saved = post_form(
        author,
        f"/resources/{resource_id}/files",
        {"file_id": file_id, "change_note": "Shorter", "staged": kept},
    )

    assert saved.status_code == 303
    page = author.get(f"/resources/{resource_id}").text
    assert "Version 2 (current)" in page and "What changed: Shorter" in page
    assert "chronology (version 1).txt" in page
    assert "as chronology-v2.txt" in page  # the name it was uploaded under
    current = author.get(f"/resources/{resource_id}/files/{file_id}/download")
    first = author.get(f"/resources/{resource_id}/files/{file_id}/download?version=1")
    assert current.content == b"Version two" and first.content == b"Version one"
    assert 'filename="chronology.txt"' in current.headers["content-disposition"]
    assert 'filename="chronology (version 1).txt"' in first.headers["content-disposition"]


def test_rename_keeps_the_extension_and_the_history(author: TestClient, db: Session) -> None:
    resource_id, ids = _resource_with_two_files(author, db)
    file_id = ids["chronology.txt"]

    empty = author.post(
        f"/resources/{resource_id}/files/{file_id}/rename",
        data={"csrftoken": csrf_token(author), "name": "  "},
    )
    assert empty.status_code == 422
    assert error_summary(empty.text) == ["Enter the new name of the file"]

    renamed = author.post(
        f"/resources/{resource_id}/files/{file_id}/rename",
        data={"csrftoken": csrf_token(author), "name": "Chronology guide.pdf"},
    )

    assert renamed.status_code == 303
    see_committed(db)
    resource_file = db.get_one(ResourceFile, file_id)
    assert resource_file.name == "Chronology guide.pdf.txt"
    assert (
        db.execute(
            select(FileVersion.original_filename).where(FileVersion.file_id == file_id)
        ).scalar_one()
        == "chronology.txt"
    )
    download = author.get(f"/resources/{resource_id}/files/{file_id}/download")
    assert 'filename="Chronology guide.pdf.txt"' in download.headers["content-disposition"]


def test_remove_keeps_the_file_as_history_but_not_the_last_one(
    app: FastAPI, author: TestClient, db: Session
) -> None:
    resource_id, ids = _resource_with_two_files(author, db)

    removed = author.post(
        f"/resources/{resource_id}/files/{ids['checklist.txt']}/remove",
        data={"csrftoken": csrf_token(author)},
    )

    assert removed.status_code == 303
    page = author.get(f"/resources/{resource_id}").text
    removed_section = page.split('id="removed-files"', 1)[1]
    assert "checklist.txt, removed" in removed_section
    download = author.get(
        f"/resources/{resource_id}/files/{ids['checklist.txt']}/download?version=1"
    )
    assert download.status_code == 200 and download.content == b"Checklist"
    api_files = author.get(f"/api/v1/resources/{resource_id}").json()["files"]
    assert [f["name"] for f in api_files] == ["chronology.txt"]

    last = author.post(
        f"/resources/{resource_id}/files/{ids['chronology.txt']}/remove",
        data={"csrftoken": csrf_token(author)},
    )
    assert last.status_code == 303
    see_committed(db)
    assert db.get_one(ResourceFile, ids["chronology.txt"]).removed_at is None
    assert "only file" in author.get(f"/resources/{resource_id}").text


def test_others_cannot_rename_or_remove(app: FastAPI, author: TestClient, db: Session) -> None:
    resource_id, ids = _resource_with_two_files(author, db)
    other = browser(app)
    signed_in(other, subject="meddler", name="Meddler")
    for action, data in (("rename", {"name": "mine.txt"}), ("remove", {})):
        response = other.post(
            f"/resources/{resource_id}/files/{ids['checklist.txt']}/{action}",
            data={"csrftoken": csrf_token(other), **data},
        )
        assert response.status_code == 403, action
    see_committed(db)
    assert db.get_one(ResourceFile, ids["checklist.txt"]).name == "checklist.txt"
    assert db.get_one(ResourceFile, ids["checklist.txt"]).removed_at is None


# --- safe defaults in groups -----------------------------------------------------------------


def test_a_resource_added_from_a_group_defaults_to_the_group(
    app: FastAPI, author: TestClient, db: Session
) -> None:
    author_id = db.execute(select(Member.id)).scalar_one()
    group_id = add_group(app, "PSW network", {author_id: GroupRole.MEMBER})
    with transaction(app.state.session_factory) as session:
        session.execute(update(Group).values(kind=GroupKind.SECRET))

    form = author.get(f"/resources/new?group={group_id}").text
    assert re.search(rf'<option value="{group_id}" selected>PSW network members only', form)
    plain = author.get("/resources/new").text
    assert f'<option value="{group_id}" selected>' not in plain

    created = post_form(
        author,
        "/resources",
        {"title": "PSW minutes", "summary": "S.", "type": "briefing", "group_id": group_id},
        [("minutes.txt", b"Minutes")],
    )
    resource_id = created.headers["location"].rsplit("/", 1)[1]
    page = author.get(f"/resources/{resource_id}").text
    assert "Visible to: PSW network members only" in page
    listing = author.get("/resources").text
    card = listing.split("PSW minutes", 1)[1].split("</li>", 1)[0]
    assert "Visible to: PSW network members only" in card

    outsider = browser(app)
    signed_in(outsider, subject="outsider", name="Out Sider")
    assert outsider.get(f"/resources/{resource_id}").status_code == 404
    assert "PSW" not in outsider.get("/resources").text
    not_theirs = outsider.get(f"/resources/new?group={group_id}").text
    assert group_id not in not_theirs and "PSW" not in not_theirs


def test_staged_uploads_are_in_the_store_directory(app: FastAPI, author: TestClient) -> None:
    """Kept files are stored like any upload: by content, outside the web root."""
    post_form(
        author,
        "/resources",
        {"title": "", "summary": "S.", "type": "briefing"},
        [("a.txt", b"Stored by content")],
    )
    files_dir: Path = app.state.settings.resolved_files_dir
    assert any(
        path.read_bytes() == b"Stored by content" for path in files_dir.rglob("*") if path.is_file()
    )


# --- bounded queries ----------------------------------------------------------------------


def test_pages_run_the_same_statements_whatever_the_files_and_groups(
    app: FastAPI, author: TestClient, db: Session
) -> None:
    """A resource's page with two files (one removed), or with more files, versions and
    removed files; the library with a few group resources or many: the group names are
    one query."""
    author_id = db.execute(select(Member.id)).scalar_one()
    group_id = add_group(app, "PSW network", {author_id: GroupRole.MEMBER})

    def add(title: str, parts: list[tuple[str, bytes]]) -> str:
        fields = {"title": title, "summary": "S.", "type": "briefing", "group_id": group_id}
        created = post_form(author, "/resources", fields, parts)
        assert created.status_code == 303, created.text
        return str(created.headers["location"]).rsplit("/", 1)[1]

    small = add("Small", [("one.txt", b"One"), ("two.txt", b"Two")])
    large = add("Large", [(f"f{n}.txt", f"File {n}".encode()) for n in range(5)])
    see_committed(db)
    small_second = db.execute(
        select(ResourceFile.id).where(
            ResourceFile.resource_id == small, ResourceFile.name == "two.txt"
        )
    ).scalar_one()
    author.post(
        f"/resources/{small}/files/{small_second}/remove", data={"csrftoken": csrf_token(author)}
    )
    large_files = db.execute(
        select(ResourceFile.id).where(ResourceFile.resource_id == large)
    ).scalars()
    first, second, third, *_ = list(large_files)
    post_form(
        author,
        f"/resources/{large}/files",
        {"file_id": first, "change_note": "v2"},
        [("f0.txt", b"Second")],
    )
    for removed in (second, third):
        author.post(
            f"/resources/{large}/files/{removed}/remove", data={"csrftoken": csrf_token(author)}
        )

    def statements_for(path: str) -> int:
        """The request's statements; the app's own background threads (search settings at
        start-up, the outbox) share the engine and are left out."""
        with counted_statements(app) as statements:
            assert author.get(path).status_code == 200
        background = ("search_synonym", "outbox_message", "worker_heartbeat")
        return len([s for s in statements if not any(name in s for name in background)])

    assert statements_for(f"/resources/{small}") == statements_for(f"/resources/{large}")
    few = statements_for("/resources")
    for number in range(6):
        add(f"More {number}", [(f"m{number}.txt", f"More {number}".encode())])
    assert statements_for("/resources") == few


def test_the_worker_clears_expired_kept_files(
    app: FastAPI, author: TestClient, db: Session
) -> None:
    post_form(
        author,
        "/resources",
        {"title": "", "summary": "S.", "type": "briefing"},
        [("forgotten.txt", b"Forgotten")],
    )
    with transaction(app.state.session_factory) as session:
        session.execute(update(StagedUpload).values(expires_at=utcnow() - timedelta(minutes=1)))

    composed = worker_tasks(app.state.session_factory, app.state.settings).periodic
    assert any(job.__qualname__.startswith("staged_upload_tasks") for job in composed)
    for job in staged_upload_tasks(app.state.session_factory, app.state.settings).periodic:
        job()

    see_committed(db)
    assert count_rows(db, StagedUpload) == 0
