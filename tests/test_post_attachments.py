"""Attachments in posts: files and images attached to a new thread's opening post and to a
reply through the compose form, checked and stored as the resource library's files are,
downloadable exactly by those who may read the post; images shown inline with the alt text
their author must give, other files as links with name and size; the anonymisation guard
reads alt texts with the post and holds a document with a strong identifier."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.discussions.models import Category, Post, PostAttachment, Thread
from app.discussions.seed import seed_discussions
from app.uploads.models import StagedUpload
from tests.support.database import count_rows, see_committed
from tests.support.factories import make_member
from tests.support.files import docx_with_text, png_image, windows_executable
from tests.support.flows import csrf_token
from tests.support.portal import run_worker
from tests.support.sessions import sign_in_as_member

Person = tuple[TestClient, str]
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
WEBP = (
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11"
    b"\x88\x88\xfe\x07\x00"
)


@pytest.fixture(name="forum")
def forum_fixture(client: TestClient, db: Session) -> dict[str, str]:
    db.rollback()
    seed_discussions(db)
    db.commit()
    return {category.name: category.id for category in db.execute(select(Category)).scalars()}


@pytest.fixture(name="person")
def person_fixture(
    app: FastAPI, db: Session, oidc_primary_url: str, forum: dict[str, str]
) -> Callable[..., Person]:
    def factory(name: str, **kwargs: Any) -> Person:
        member = make_member(db, name=name, issuer=oidc_primary_url, **kwargs)
        browser = TestClient(app, base_url="http://testserver", follow_redirects=False)
        sign_in_as_member(browser, member)
        return browser, member.id

    return factory


@pytest.fixture
def files_dir(app: FastAPI) -> Path:
    return app.state.settings.resolved_files_dir


def stored_files(files_dir: Path) -> list[Path]:
    """Everything in the store, staging included."""
    return sorted(path for path in files_dir.rglob("*") if path.is_file())


def compose(
    browser: TestClient,
    path: str,
    fields: dict[str, Any],
    files: dict[int, tuple[str, bytes]],
) -> httpx.Response:
    """The compose form as a browser posts it: every slot, empty ones as empty files."""
    parts = [(f"attachment_{slot}", files.get(slot, ("", b""))) for slot in (1, 2, 3)]
    return browser.post(
        path, data=fields, files=parts, headers={"X-CSRFToken": csrf_token(browser)}
    )


def start_thread(browser: TestClient, category_id: str) -> str:
    response = browser.post(
        "/api/v1/discussions/threads",
        json={"category_id": category_id, "title": "Life story work", "body": "Ideas?"},
        headers={"X-CSRFToken": csrf_token(browser)},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def attachments_of(db: Session, thread_id: str) -> list[PostAttachment]:
    see_committed(db)
    return list(
        db.execute(
            select(PostAttachment)
            .join(Post, Post.id == PostAttachment.post_id)
            .where(Post.thread_id == thread_id)
            .order_by(Post.number, PostAttachment.position)
        ).scalars()
    )


def test_a_reply_carries_an_image_inline_and_a_document_as_a_link(
    person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    author, _ = person("Ann Author")
    replier, _ = person("Rita Replier")
    thread_id = start_thread(author, forum["Practice questions"])
    notes = b"Questions to ask at a life story session.\n"
    response = compose(
        replier,
        f"/discussions/t/{thread_id}/reply",
        {"body": "Here is the ecomap template we use.", "alt_text_1": "An ecomap with 3 circles"},
        {1: ("ecomap.png", png_image()), 2: ("questions.txt", notes)},
    )
    assert response.status_code == 303, response.text
    image, document = attachments_of(db, thread_id)
    assert (image.file_type, image.alt_text, image.original_filename) == (
        "png",
        "An ecomap with 3 circles",
        "ecomap.png",
    )
    assert (document.file_type, document.alt_text, document.size) == ("txt", None, len(notes))

    page = author.get(f"/discussions/t/{thread_id}")
    assert page.status_code == 200
    assert (
        f'<img src="/discussions/attachments/{image.id}" alt="An ecomap with 3 circles"'
        in page.text
    )
    link = re.search(
        rf'<a class="govuk-link" href="/discussions/attachments/{document.id}">questions.txt</a>'
        r" <span[^>]*>\(TXT, ([^)]*)\)",
        page.text,
    )
    assert link is not None and link.group(1) == f"{len(notes)} Bytes"

    shown = author.get(f"/discussions/attachments/{image.id}")
    assert shown.status_code == 200 and shown.content == png_image()
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["content-disposition"].startswith("inline;")
    downloaded = author.get(f"/discussions/attachments/{document.id}")
    assert downloaded.content == notes
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    assert downloaded.headers["x-content-type-options"] == "nosniff"


def test_a_new_threads_opening_post_takes_files_and_the_api_lists_them(
    person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    author, _ = person("Ann Author")
    reader, _ = person("Rob Reader")
    response = compose(
        author,
        "/discussions/start",
        {
            "category_id": forum["Practice questions"],
            "title": "Genograms that children can read",
            "body": "Two examples attached.",
            "alt_text_1": "A genogram drawn as a tree",
            "alt_text_2": "A genogram with photos",
        },
        {1: ("tree.gif", GIF), 2: ("photos.webp", WEBP)},
    )
    assert response.status_code == 303, response.text
    see_committed(db)
    thread_id = db.execute(select(Thread.id)).scalar_one()
    gif, webp = attachments_of(db, thread_id)
    assert (gif.file_type, webp.file_type) == ("gif", "webp")

    read = reader.get(f"/api/v1/discussions/threads/{thread_id}")
    assert read.status_code == 200
    listed = read.json()["posts"][0]["attachments"]
    assert [(item["filename"], item["is_image"], item["alt_text"]) for item in listed] == [
        ("tree.gif", True, "A genogram drawn as a tree"),
        ("photos.webp", True, "A genogram with photos"),
    ]
    fetched = reader.get(listed[1]["download_url"])
    assert fetched.status_code == 200 and fetched.content == WEBP


def test_an_image_without_alt_text_is_a_field_error_and_nothing_is_saved(
    person: Callable[..., Person], forum: dict[str, str], db: Session, files_dir: Path
) -> None:
    author, _ = person("Ann Author")
    thread_id = start_thread(author, forum["Practice questions"])
    posts_before = count_rows(db, Post)
    response = compose(
        author,
        f"/discussions/t/{thread_id}/reply",
        {"body": "My words, kept.", "alt_text_2": "typed but for a document"},
        {1: ("chart.png", png_image()), 2: ("notes.txt", b"notes")},
    )
    assert response.status_code == 422
    assert "Describe the image “chart.png” for someone who cannot see it" in response.text
    assert 'href="#alt_text_1"' in response.text and 'id="alt_text_1-error"' in response.text
    assert "My words, kept." in response.text
    assert 'value="typed but for a document"' in response.text
    # the files are kept for the form shown again (tests/test_post_files_kept.py)
    assert "already attached: <strong>chart.png</strong>" in response.text
    assert count_rows(db, Post) == posts_before
    assert count_rows(db, PostAttachment) == 0
    assert count_rows(db, StagedUpload) == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", windows_executable(), "Files ending .exe are not accepted"),
        ("photo.png", b"%PDF-1.4 not an image", "its content is PDF"),
        ("empty.txt", b"", "empty.txt is empty."),
        ("virus.pdf", windows_executable(), "This kind of file is not accepted"),
    ],
)
def test_a_refused_file_is_a_field_error_and_nothing_is_saved(
    person: Callable[..., Person],
    forum: dict[str, str],
    db: Session,
    files_dir: Path,
    name: str,
    content: bytes,
    message: str,
) -> None:
    author, _ = person("Ann Author")
    files_before = stored_files(files_dir)
    response = compose(
        author,
        "/discussions/start",
        {"category_id": forum["Practice questions"], "title": "A title", "body": "Kept body"},
        {1: ("fine.txt", b"a good file"), 2: (name, content)},
    )
    assert response.status_code == 422, response.text
    assert message in response.text
    assert 'href="#attachments"' in response.text and 'id="attachments-error"' in response.text
    assert "Kept body" in response.text and 'value="A title"' in response.text
    assert count_rows(db, Thread) == 0 and count_rows(db, PostAttachment) == 0
    # the good file is kept for the form shown again; the refused one is not stored
    see_committed(db)
    assert list(db.execute(select(StagedUpload.original_filename)).scalars()) == ["fine.txt"]
    added = set(stored_files(files_dir)) - set(files_before)
    assert all(path.read_bytes() != content for path in added)


def test_a_file_over_the_size_limit_is_refused(
    app: FastAPI,
    person: Callable[..., Person],
    forum: dict[str, str],
    db: Session,
    files_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app.state.settings, "max_upload_bytes", 2048)
    author, _ = person("Ann Author")
    thread_id = start_thread(author, forum["Practice questions"])
    files_before = stored_files(files_dir)
    response = compose(
        author, f"/discussions/t/{thread_id}/reply", {"body": "Big"}, {1: ("big.txt", b"x" * 4096)}
    )
    assert response.status_code == 422
    assert "big.txt is larger than the 0 MB limit." in response.text
    assert count_rows(db, PostAttachment) == 0 and stored_files(files_dir) == files_before


def test_the_guard_reads_alt_text_with_the_post(
    person: Callable[..., Person], forum: dict[str, str], db: Session, files_dir: Path
) -> None:
    author, _ = person("Ann Author")
    thread_id = start_thread(author, forum["Practice questions"])
    files_before = stored_files(files_dir)
    response = compose(
        author,
        f"/discussions/t/{thread_id}/reply",
        {"body": "A drawing from a session.", "alt_text_1": "Drawing by Jayden, aged 7"},
        {1: ("drawing.png", png_image())},
    )
    assert response.status_code == 409, response.text
    assert "In the description of image 1" in response.text
    # the guard's own form carries the kept file, so "post anyway" brings it
    guard_form = response.text.split('name="confirm_guard"')[1].split("</form>")[0]
    assert 'name="staged_1"' in guard_form
    assert count_rows(db, PostAttachment) == 0 and len(stored_files(files_dir)) >= len(files_before)


def test_who_may_download_a_posts_file(
    person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    """The post's thread's rule, and a hidden or deleted post's files for moderators only."""
    author, _ = person("Ann Author")
    reader, _ = person("Rob Reader")
    moderator, _ = person("Mo Moderator", is_moderator=True)
    thread_id = start_thread(author, forum["Practice questions"])
    for body in ("Hidden later", "Deleted later"):
        response = compose(
            author,
            f"/discussions/t/{thread_id}/reply",
            {"body": body},
            {1: (f"{body.split()[0].lower()}.txt", body.encode())},
        )
        assert response.status_code == 303, response.text
    hidden_file, deleted_file = attachments_of(db, thread_id)
    assert reader.get(f"/discussions/attachments/{hidden_file.id}").status_code == 200

    hidden = moderator.post(
        f"/api/v1/discussions/posts/{hidden_file.post_id}/hide",
        json={"reason": "Off topic"},
        headers={"X-CSRFToken": csrf_token(moderator)},
    )
    assert hidden.status_code == 200, hidden.text
    deleted = author.delete(
        f"/api/v1/discussions/posts/{deleted_file.post_id}",
        headers={"X-CSRFToken": csrf_token(author)},
    )
    assert deleted.status_code == 204
    for item in (hidden_file, deleted_file):
        for path in (
            f"/discussions/attachments/{item.id}",
            f"/api/v1/discussions/attachments/{item.id}",
        ):
            assert reader.get(path).status_code == 404
            assert moderator.get(path).status_code == 200
    page = reader.get(f"/discussions/t/{thread_id}")
    assert hidden_file.id not in page.text and deleted_file.id not in page.text
    api_posts = reader.get(f"/api/v1/discussions/threads/{thread_id}").json()["posts"]
    assert [post["attachments"] for post in api_posts if post["number"] > 1] == [[], []]
    assert hidden_file.id in moderator.get(f"/discussions/t/{thread_id}").text
    assert reader.get("/discussions/attachments/not-an-id").status_code == 404


def test_a_document_with_a_strong_identifier_is_held_for_its_author_and_moderators(
    app: FastAPI, person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    author, _ = person("Ann Author")
    reader, _ = person("Rob Reader")
    moderator, _ = person("Mo Moderator", is_moderator=True)
    thread_id = start_thread(author, forum["Practice questions"])
    content = docx_with_text("Notes from the visit.", "Child's date of birth: 03/02/2019.")
    response = compose(
        author,
        f"/discussions/t/{thread_id}/reply",
        {"body": "The visit notes template."},
        {1: ("visit.docx", content), 2: ("clean.txt", b"A checklist for visits.")},
    )
    assert response.status_code == 303, response.text
    run_worker(app)
    held, clean = attachments_of(db, thread_id)
    assert held.extraction_status == "done" and held.guard_held
    assert not clean.guard_held and clean.extraction_status == "done"
    see_committed(db)
    actions = list(db.execute(select(AuditEntry.action)).scalars())
    assert "post_attachment_held_by_guard" in actions

    assert reader.get(f"/discussions/attachments/{held.id}").status_code == 404
    assert reader.get(f"/discussions/attachments/{clean.id}").status_code == 200
    assert held.id not in reader.get(f"/discussions/t/{thread_id}").text
    for allowed in (author, moderator):
        assert allowed.get(f"/discussions/attachments/{held.id}").status_code == 200
        assert "Held by the anonymisation guard" in allowed.get(f"/discussions/t/{thread_id}").text
    assert "The visit notes template." in reader.get(f"/discussions/t/{thread_id}").text


def test_a_private_groups_post_files_stay_inside_the_group(
    person: Callable[..., Person], db: Session
) -> None:
    """Covered for every viewer and place by tests/test_authorization_matrix.py; here the
    group's thread page itself takes a reply with a file through the form."""
    from app.groups.service import create_group
    from app.members.models import Member

    owner, owner_id = person("Owen Owner")
    outsider, _ = person("Oscar Other")
    see_committed(db)
    group = create_group(
        db,
        actor=db.get_one(Member, owner_id),
        name="Attachment circle",
        description="A private group",
        kind="private",
    )
    db.commit()
    assert group.category_id is not None
    thread_id = start_thread(owner, group.category_id)
    response = compose(
        owner, f"/discussions/t/{thread_id}/reply", {"body": "Inside"}, {1: ("in.txt", b"in")}
    )
    assert response.status_code == 303, response.text
    (item,) = attachments_of(db, thread_id)
    assert owner.get(f"/discussions/attachments/{item.id}").content == b"in"
    assert outsider.get(f"/discussions/attachments/{item.id}").status_code == 404
    assert outsider.get(f"/api/v1/discussions/attachments/{item.id}").status_code == 404


def api_upload(
    browser: TestClient, name: str, content: bytes, alt_text: str = ""
) -> httpx.Response:
    return browser.post(
        "/api/v1/discussions/attachments",
        data={"alt_text": alt_text} if alt_text else {},
        files={"file": (name, content)},
        headers={"X-CSRFToken": csrf_token(browser)},
    )


def api_json(browser: TestClient, path: str, body: dict[str, Any]) -> httpx.Response:
    return browser.post(path, json=body, headers={"X-CSRFToken": csrf_token(browser)})


def test_the_api_uploads_a_file_then_a_reply_references_it(
    person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    author, _ = person("Ann Author")
    reader, _ = person("Rob Reader")
    thread_id = start_thread(author, forum["Practice questions"])
    uploaded = api_upload(author, "chart.png", png_image(), alt_text="A bar chart of visits")
    assert uploaded.status_code == 201, uploaded.text
    upload = uploaded.json()
    assert (upload["is_image"], upload["alt_text"], upload["size"]) == (
        True,
        "A bar chart of visits",
        len(png_image()),
    )
    # until a post claims it, the file is its uploader's alone
    assert author.get(upload["download_url"]).content == png_image()
    assert reader.get(upload["download_url"]).status_code == 404
    stolen = api_json(
        reader,
        f"/api/v1/discussions/threads/{thread_id}/posts",
        {"body": "Mine now", "attachment_ids": [upload["id"]]},
    )
    assert stolen.status_code == 422
    assert stolen.json()["errors"]["attachment_ids"].endswith("not attached yet.")

    replied = api_json(
        author,
        f"/api/v1/discussions/threads/{thread_id}/posts",
        {"body": "The chart.", "attachment_ids": [upload["id"]]},
    )
    assert replied.status_code == 201, replied.text
    assert reader.get(upload["download_url"]).content == png_image()
    posts = reader.get(f"/api/v1/discussions/threads/{thread_id}").json()["posts"]
    assert [item["id"] for item in posts[1]["attachments"]] == [upload["id"]]
    assert 'alt="A bar chart of visits"' in reader.get(f"/discussions/t/{thread_id}").text

    again = api_json(
        author,
        f"/api/v1/discussions/threads/{thread_id}/posts",
        {"body": "Twice?", "attachment_ids": [upload["id"]]},
    )
    assert again.status_code == 422
    edited = author.patch(
        f"/api/v1/discussions/posts/{replied.json()['id']}",
        json={"body": "Edited", "attachment_ids": [upload["id"]]},
        headers={"X-CSRFToken": csrf_token(author)},
    )
    assert edited.status_code == 422
    assert "not attached yet" in edited.json()["errors"]["attachment_ids"]


def test_an_api_upload_is_checked_as_the_forms_are(
    person: Callable[..., Person], forum: dict[str, str], db: Session, files_dir: Path
) -> None:
    author, _ = person("Ann Author")
    files_before = stored_files(files_dir)
    no_alt = api_upload(author, "chart.png", png_image())
    assert no_alt.status_code == 422
    assert no_alt.headers["content-type"].startswith("application/problem+json")
    assert "Describe the image" in no_alt.json()["errors"]["alt_text"]
    refused = api_upload(author, "setup.exe", windows_executable())
    assert refused.status_code == 422
    assert "not accepted" in refused.json()["errors"]["file"]
    guarded = api_upload(author, "child.png", png_image(), alt_text="Drawing by Jayden, aged 7")
    assert guarded.status_code == 409 and guarded.json()["findings"]
    assert count_rows(db, PostAttachment) == 0 and stored_files(files_dir) == files_before


def test_uploads_no_post_claims_are_dropped_after_a_day(
    app: FastAPI, person: Callable[..., Person], db: Session
) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from app.db import utcnow
    from app.worker import worker_tasks
    from tests.support.database import apply_changes

    author, _ = person("Ann Author")
    old = api_upload(author, "old.txt", b"old notes").json()["id"]
    new = api_upload(author, "new.txt", b"new notes").json()["id"]
    apply_changes(
        db,
        update(PostAttachment)
        .where(PostAttachment.id == old)
        .values(created_at=utcnow() - timedelta(hours=25)),
    )
    for job in worker_tasks(app.state.session_factory, app.state.settings).periodic:
        job()
    see_committed(db)
    assert set(db.execute(select(PostAttachment.id)).scalars()) == {new}


def test_a_moderator_clears_a_held_file_after_reading_the_passages(
    app: FastAPI, person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    author, _ = person("Ann Author")
    reader, _ = person("Rob Reader")
    moderator, _ = person("Mo Moderator", is_moderator=True)
    thread_id = start_thread(author, forum["Practice questions"])
    content = docx_with_text("Case notes.", "Child's date of birth: 03/02/2019.")
    response = compose(
        author, f"/discussions/t/{thread_id}/reply", {"body": "Notes"}, {1: ("notes.docx", content)}
    )
    assert response.status_code == 303, response.text
    run_worker(app)
    (held,) = attachments_of(db, thread_id)
    assert held.guard_held

    for shown_to in (author, moderator):
        page = shown_to.get(f"/discussions/t/{thread_id}").text
        assert "Holds the file:</strong> a date of birth" in page and "03/02/2019" in page
    assert "03/02/2019" not in reader.get(f"/discussions/t/{thread_id}").text
    assert "Clear the file" in moderator.get(f"/discussions/t/{thread_id}").text
    assert "Clear the file" not in author.get(f"/discussions/t/{thread_id}").text

    path = f"/discussions/attachments/{held.id}/release"
    refused = author.post(path, headers={"X-CSRFToken": csrf_token(author)})
    assert refused.status_code == 403
    hidden = reader.post(path, headers={"X-CSRFToken": csrf_token(reader)})
    assert hidden.status_code == 404
    cleared = moderator.post(path, headers={"X-CSRFToken": csrf_token(moderator)})
    assert cleared.status_code == 303
    assert reader.get(f"/discussions/attachments/{held.id}").status_code == 200
    see_committed(db)
    actions = list(db.execute(select(AuditEntry.action)).scalars())
    assert "post_attachment_released_by_moderator" in actions
    again = moderator.post(
        f"/api/v1/discussions/attachments/{held.id}/release",
        headers={"X-CSRFToken": csrf_token(moderator)},
    )
    assert again.status_code == 409


def test_alt_text_and_file_names_are_shown_as_text(
    person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    author, _ = person("Ann Author")
    thread_id = start_thread(author, forum["Practice questions"])
    hostile_alt = '"><script>alert(1)</script>'
    response = compose(
        author,
        f"/discussions/t/{thread_id}/reply",
        {"body": "Files", "alt_text_1": hostile_alt},
        {1: ("pic.png", png_image()), 2: ("<img src=x onerror=alert(1)>.txt", b"text")},
    )
    assert response.status_code == 303, response.text
    page = author.get(f"/discussions/t/{thread_id}").text
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert 'alt="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in page
