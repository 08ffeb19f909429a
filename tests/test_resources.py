"""The resource library: uploads checked by content, nothing half-stored, extraction in a
limited child process, access through the policy on every route."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.outbox.service import drain_once
from app.resources import extraction
from app.resources.models import FileVersion, Resource, ResourceStatus
from app.worker import registered_handlers
from tests.support import files
from tests.support.database import count_rows, see_committed
from tests.support.factories import make_member
from tests.support.flows import csrf_token
from tests.support.members import signed_in
from tests.support.sessions import sign_in_as_member

GUIDE = {
    "title": "Writing chronologies that help",
    "summary": "A practice guide to chronologies in child protection work.",
    "type": "practice_guide",
    "topics": ["child-protection"],
}


def browser(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


@pytest.fixture
def author(client: TestClient) -> TestClient:
    signed_in(client, subject="author", name="Ann Author")
    return client


def upload(
    client: TestClient,
    *file_parts: tuple[str, bytes],
    data: dict[str, Any] | None = None,
    path: str = "/api/v1/resources",
) -> Any:
    fields = dict(GUIDE if data is None else data)
    return client.post(
        path,
        data=fields,
        files=[("files", (name, content)) for name, content in file_parts],
        headers={"X-CSRFToken": csrf_token(client)},
    )


def stored_files(files_dir: Path) -> list[Path]:
    """Everything in the store, staging included (the folder is shared by the session)."""
    return sorted(path for path in files_dir.rglob("*") if path.is_file())


@pytest.fixture
def files_dir(app: FastAPI) -> Path:
    return app.state.settings.resolved_files_dir


def extract_pending(app: FastAPI) -> None:
    handlers = registered_handlers(app.state.session_factory, app.state.settings)
    while drain_once(app.state.session_factory, handlers):
        pass


# --- upload and extraction ---------------------------------------------------------------


def test_pdf_upload_is_extracted_and_downloadable(
    app: FastAPI, author: TestClient, db: Session, files_dir: Path
) -> None:
    pdf = files.pdf_with_text("Chronologies should record significant events.")
    response = upload(author, ("chronologies.pdf", pdf))
    assert response.status_code == 201, response.text
    body = response.json()
    [resource_file] = body["files"]
    assert resource_file["current"]["extraction_status"] == "pending"

    extract_pending(app)
    see_committed(db)
    version = db.execute(select(FileVersion)).scalar_one()
    assert version.extraction_status == "done"
    assert "significant events" in (version.extracted_text or "")
    assert len(version.storage_key) == 64 and version.storage_key in str(stored_files(files_dir))

    download = author.get(resource_file["download_url"])
    assert download.status_code == 200
    assert download.content == pdf
    assert download.headers["content-disposition"].startswith(
        'attachment; filename="chronologies.pdf"'
    )
    page = author.get(f"/resources/{body['id']}")
    assert "chronologies.pdf" in page.text
    assert 'id="download-count">1<' in page.text


def test_docx_upload_is_extracted(app: FastAPI, author: TestClient, db: Session) -> None:
    response = upload(
        author, ("plan.docx", files.docx_with_text("Safety plan", "Review & reflect"))
    )
    assert response.status_code == 201, response.text
    extract_pending(app)
    see_committed(db)
    text = db.execute(select(FileVersion.extracted_text)).scalar_one()
    assert text == "Safety plan\nReview & reflect"


def test_unreadable_file_is_kept_and_the_page_says_so(
    app: FastAPI, author: TestClient, db: Session
) -> None:
    response = upload(author, ("locked.pdf", files.encrypted_pdf()))
    assert response.status_code == 201
    extract_pending(app)
    page = author.get(f"/resources/{response.json()['id']}")
    assert "Its text could not be read for search (the PDF is encrypted)" in page.text
    download_url = response.json()["files"][0]["download_url"]
    assert author.get(download_url).status_code == 200


@pytest.mark.parametrize(
    ("maker", "message"),
    [
        (files.corrupt_pdf, "could not be read"),
        (files.looping_pdf, "could not be read"),
        (files.memory_bomb_pdf, None),
    ],
)
def test_hostile_pdfs_are_stopped(
    app: FastAPI, author: TestClient, db: Session, maker: Any, message: str | None
) -> None:
    response = upload(author, ("hostile.pdf", maker()))
    assert response.status_code == 201
    done = threading.Event()

    def extract() -> None:
        extract_pending(app)
        done.set()

    worker = threading.Thread(target=extract)
    worker.start()
    # the portal keeps answering while the child process works
    assert author.get("/healthz").status_code == 200
    assert author.get("/resources").status_code == 200
    worker.join(timeout=extraction.WALL_SECONDS + 10)
    assert done.is_set()
    see_committed(db)
    version = db.execute(select(FileVersion)).scalar_one()
    assert version.extraction_status in ("done", "failed")
    if message:
        assert message in (version.extraction_error or "")
    assert len(version.extracted_text or "") <= 500_000


def test_wall_clock_limit_kills_a_slow_extraction(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(files.memory_bomb_pdf(200))
    result = extraction.extract_text(path, "pdf", wall_seconds=0.01)
    assert result.text is None
    assert "took longer than" in (result.error or "")


def test_memory_limit_applies_in_the_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a memory limit too small for Python to start, the child fails and the parent
    reports it instead of hanging or crashing."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(files.pdf_with_text("fine"))
    monkeypatch.setattr(extraction, "MEMORY_BYTES", 8 * 1024 * 1024)
    result = extraction.extract_text(path, "pdf")
    assert result.text is None and result.error is not None


def test_new_version_keeps_history(app: FastAPI, author: TestClient, db: Session) -> None:
    first = upload(author, ("guide.txt", b"Version one")).json()
    file_id = first["files"][0]["id"]
    refused = author.post(
        f"/api/v1/resources/{first['id']}/files",
        data={"file_id": file_id},
        files=[("files", ("guide.txt", b"Version two"))],
        headers={"X-CSRFToken": csrf_token(author)},
    )
    assert refused.status_code == 422 and "Say what changed" in refused.text
    second = author.post(
        f"/api/v1/resources/{first['id']}/files",
        data={"file_id": file_id, "change_note": "Updated for the 2026 guidance"},
        files=[("files", ("guide.txt", b"Version two"))],
        headers={"X-CSRFToken": csrf_token(author)},
    )
    assert second.status_code == 200, second.text
    [resource_file] = second.json()["files"]
    assert [v["number"] for v in resource_file["versions"]] == [2, 1]
    assert resource_file["versions"][0]["change_note"] == "Updated for the 2026 guidance"
    assert author.get(resource_file["download_url"]).content == b"Version two"
    assert author.get(resource_file["download_url"] + "?version=1").content == b"Version one"
    assert author.get(resource_file["download_url"] + "?version=9").status_code == 404


# --- bad input: refused, nothing half-stored -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", files.windows_executable(), "Files ending .exe are not accepted"),
        ("report.pdf", files.windows_executable(), "This kind of file is not accepted"),
        ("guide.docx", files.pdf_with_text("x"), "named .docx but its content is PDF"),
        ("empty.pdf", b"", "empty.pdf is empty"),
        ("bomb.docx", files.zip_bomb_docx(), "zip bomb"),
        ("notes.txt", b"\x00\x01binary\x00", "This kind of file is not accepted"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    author: TestClient, db: Session, files_dir: Path, name: str, content: bytes, message: str
) -> None:
    before = stored_files(files_dir)
    response = upload(author, ("fine.txt", b"A good file " + name.encode()), (name, content))
    assert response.status_code == 422, response.text
    assert message in response.text
    assert count_rows(db, Resource) == 0
    assert count_rows(db, FileVersion) == 0
    assert stored_files(files_dir) == before


def test_oversize_file_is_refused(settings: Any, db: Session, files_dir: Path) -> None:
    from app.main import create_app
    from tests.conftest import seed_reference_data

    small = create_app(settings.model_copy(update={"max_upload_bytes": 1024}))
    seed_reference_data(small)
    client = browser(small)
    signed_in(client, subject="big-uploader", name="Big-Uploader")
    before = stored_files(files_dir)
    response = upload(client, ("big.txt", b"x" * 2048))
    assert response.status_code == 422
    assert "larger than the 0 MB limit" in response.text or "larger than" in response.text
    assert count_rows(db, Resource) == 0 and stored_files(files_dir) == before


def test_filename_with_path_parts_and_control_characters_is_made_safe(
    author: TestClient, db: Session
) -> None:
    response = upload(author, ("../../etc/passwd.txt", b"text"))
    assert response.status_code == 201, response.text
    assert response.json()["files"][0]["current"]["original_filename"] == "passwd.txt"
    download = author.get(response.json()["files"][0]["download_url"])
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"passwd.txt\"; filename*=UTF-8''passwd.txt"
    )


def test_unicode_filename_is_offered_safely(author: TestClient) -> None:
    response = upload(author, ("Siobhán’s notes.md", b"# Notes"))
    assert response.status_code == 201
    header = author.get(response.json()["files"][0]["download_url"]).headers["content-disposition"]
    assert "filename*=UTF-8''Siobh%C3%A1n%E2%80%99s%20notes.md" in header


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the title"),
        ({"type": "research_paper"}, "authors", "Enter the authors: a research paper needs them"),
        ({"doi": "not-a-doi"}, "doi", "Enter the DOI in the form 10.1234/abcd"),
        ({"topics": ["no-such-topic"]}, "topics", "Unknown topic"),
        ({"type": "link"}, "external_url", "Enter the web address: a link needs one"),
        ({"publication_year": "3000"}, "publication_year", "must not be in the future"),
    ],
)
def test_missing_or_bad_metadata_is_refused(
    author: TestClient,
    db: Session,
    files_dir: Path,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    before = stored_files(files_dir)
    response = upload(author, ("a.txt", b"text " + field.encode()), data={**GUIDE, **changes})
    assert response.status_code == 422
    assert message.lower() in response.json()["errors"][field].lower()
    assert count_rows(db, Resource) == 0 and stored_files(files_dir) == before


def test_research_paper_with_its_record_and_doi_link(author: TestClient) -> None:
    paper = {
        **GUIDE,
        "type": "research_paper",
        "authors": "Moss, H.; Shah, P.",
        "publication_year": "2024",
        "abstract": "We studied neglect and poverty in two authorities.",
        "doi": "https://doi.org/10.1093/bjsw/bcab001",
    }
    response = upload(author, ("paper.pdf", files.pdf_with_text("Findings")), data=paper)
    assert response.status_code == 201, response.text
    assert response.json()["doi"] == "10.1093/bjsw/bcab001"
    page = author.get(f"/resources/{response.json()['id']}")
    assert 'href="https://doi.org/10.1093/bjsw/bcab001"' in page.text


def test_html_form_shows_field_errors_and_keeps_input(author: TestClient) -> None:
    page = author.get("/resources/new")
    assert page.status_code == 200
    response = author.post(
        "/resources",
        data={
            "csrftoken": csrf_token(author),
            "title": "",
            "summary": "Kept summary",
            "type": "practice_guide",
        },
        files=[("files", ("a.txt", b"text"))],
    )
    assert response.status_code == 422
    assert "There is a problem" in response.text and "Kept summary" in response.text
    without_token = author.post(
        "/resources", data={"title": "x"}, files=[("files", ("a.txt", b"text"))]
    )
    assert without_token.status_code == 403
    wrong_token = author.post(
        "/resources",
        data={"csrftoken": "forged", "title": "x"},
        files=[("files", ("a.txt", b"text"))],
    )
    assert wrong_token.status_code == 403


# --- who may see what --------------------------------------------------------------------


def test_hidden_group_and_deleted_resources_answer_404_everywhere(
    app: FastAPI, author: TestClient, db: Session
) -> None:
    created = upload(author, ("a.txt", b"secret text")).json()
    resource_id, download_url = created["id"], created["files"][0]["download_url"]
    html_download = download_url.removeprefix("/api/v1")
    other = browser(app)
    signed_in(other, subject="reader", name="Rea Der")
    routes = [
        f"/resources/{resource_id}",
        f"/api/v1/resources/{resource_id}",
        download_url,
        html_download,
        f"/resources/{resource_id}/edit",
    ]
    for route in routes:
        assert other.get(route).status_code == 200, route

    for change in (
        {"group_id": "some-private-group"},
        {"status": ResourceStatus.HIDDEN},
        {"status": ResourceStatus.DELETED},
    ):
        db.execute(update(Resource).values(group_id=None, status=ResourceStatus.PUBLISHED))
        db.execute(update(Resource).values(**change))
        db.commit()
        for route in routes:
            assert other.get(route).status_code == 404, (change, route)
        listed = other.get("/api/v1/resources").json()
        assert listed["total"] == 0
        assert "secret" not in other.get("/resources").text


def test_others_cannot_change_a_resource(app: FastAPI, author: TestClient) -> None:
    created = upload(author, ("a.txt", b"text")).json()
    other = browser(app)
    signed_in(other, subject="meddler", name="Meddler")
    response = other.put(
        f"/api/v1/resources/{created['id']}",
        json={**GUIDE, "title": "Mine now"},
        headers={"X-CSRFToken": csrf_token(other)},
    )
    assert response.status_code == 403
    assert other.get(f"/api/v1/resources/{created['id']}").json()["title"] == GUIDE["title"]


def test_soft_delete_and_admin_restore(
    app: FastAPI, author: TestClient, db: Session, oidc_primary_url: str
) -> None:
    created = upload(author, ("a.txt", b"text")).json()
    deleted = author.delete(
        f"/api/v1/resources/{created['id']}", headers={"X-CSRFToken": csrf_token(author)}
    )
    assert deleted.status_code == 204
    assert author.get(f"/api/v1/resources/{created['id']}").status_code == 404
    admin = make_member(db, name="Ad Min", issuer=oidc_primary_url, is_admin=True)
    admin_browser = browser(app)
    sign_in_as_member(admin_browser, admin)
    restored = admin_browser.post(
        f"/api/v1/resources/{created['id']}/restore",
        headers={"X-CSRFToken": csrf_token(admin_browser)},
    )
    assert restored.status_code == 200 and restored.json()["status"] == "published"
    assert author.get(f"/api/v1/resources/{created['id']}").status_code == 200
    not_admin = author.post(
        f"/api/v1/resources/{created['id']}/restore", headers={"X-CSRFToken": csrf_token(author)}
    )
    assert not_admin.status_code in (403, 409)


# --- browsing -----------------------------------------------------------------------------


def test_browse_filters_sorts_and_related(author: TestClient, db: Session) -> None:
    for title, kind, topic in [
        ("Alpha guide", "practice_guide", "neglect"),
        ("Beta briefing", "briefing", "neglect"),
        ("Gamma tool", "tool_or_template", "court-work"),
    ]:
        data = {**GUIDE, "title": title, "type": kind, "topics": [topic]}
        assert upload(author, ("a.txt", title.encode()), data=data).status_code == 201
    by_title = author.get("/api/v1/resources", params={"sort": "title"}).json()
    assert [r["title"] for r in by_title["resources"]] == [
        "Alpha guide",
        "Beta briefing",
        "Gamma tool",
    ]
    neglect = author.get("/api/v1/resources", params={"topic": "neglect"}).json()
    assert {r["title"] for r in neglect["resources"]} == {"Alpha guide", "Beta briefing"}
    briefings = author.get("/resources", params={"type": "briefing"})
    assert "Beta briefing" in briefings.text and "Alpha guide" not in briefings.text
    alpha = next(r for r in by_title["resources"] if r["title"] == "Alpha guide")
    page = author.get(f"/resources/{alpha['id']}")
    assert "Beta briefing" in page.text.split("Related")[1]
    mine = author.get("/resources/mine")
    assert mine.status_code == 200 and "3 resources" in mine.text
    bad_sort = author.get("/api/v1/resources", params={"sort": "nonsense"})
    assert bad_sort.status_code == 422


def test_anonymous_visitors_are_turned_away(client: TestClient) -> None:
    assert client.get("/resources").status_code == 303
    assert client.get("/api/v1/resources").status_code == 401


def test_safe_filename_drops_folders_and_control_characters() -> None:
    from app.resources.filetypes import RejectedFile, safe_filename

    assert safe_filename("C:\\Users\\ann\\..\\plan\x07\r\n.docx") == "plan.docx"
    assert safe_filename("../../etc/passwd") == "passwd"
    with pytest.raises(RejectedFile):
        safe_filename("../\x00\x01")


def _zip(files: dict[str, str]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_pptx_and_odt_text_is_extracted(tmp_path: Path) -> None:
    """Real (minimal) PowerPoint and OpenDocument files, made here, through the same
    content check and child-process extraction as uploads."""
    from app.resources.filetypes import check_upload

    drawing = "http://schemas.openxmlformats.org/drawingml/2006/main"
    pptx = _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "ppt/presentation.xml": "<p:presentation xmlns:p='urn:p'/>",
            "ppt/slides/slide1.xml": f"<p:sld xmlns:p='urn:p' xmlns:a='{drawing}'><a:p><a:r>"
            "<a:t>Slide one: planning</a:t></a:r></a:p></p:sld>",
            "ppt/slides/slide2.xml": f"<p:sld xmlns:p='urn:p' xmlns:a='{drawing}'><a:p><a:r>"
            "<a:t>Slide two: review</a:t></a:r></a:p></p:sld>",
        }
    )
    odt = _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": "<office:document-content xmlns:office='urn:o' "
            "xmlns:text='urn:oasis:names:tc:opendocument:xmlns:text:1.0'><office:body>"
            "<text:h>Heading</text:h><text:p>Paragraph text</text:p></office:body>"
            "</office:document-content>",
        }
    )
    for name, content, expected in (
        ("deck.pptx", pptx, "Slide one: planning\nSlide two: review"),
        ("notes.odt", odt, "Heading\nParagraph text"),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        file_type = check_upload(path, name)
        result = extraction.extract_text(path, file_type.name)
        assert (result.error, result.text) == (None, expected)
