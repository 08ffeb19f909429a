"""Post files are never lost and can be changed: a new thread or reply that is refused (a
field error, the guard's question, a rate limit, an image without alt text) keeps the files
chosen as "already attached", with the alt text typed, until the member posts; a kept file
is usable only by its owner in the session that kept it; a draft keeps the kept files' ids;
editing a post adds and removes files (a removed file is gone from downloads at once, for
everyone, API included); an API request that is refused leaves nothing half-saved."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.db import transaction, utcnow
from app.discussions.models import Post, PostAttachment, PostRevision, Thread
from app.drafts.models import Draft
from app.policy.uploads import StagedUploadHolder, may_use_staged_upload, staged_uploads_filter
from app.security.rate_limits import parse_limits
from app.uploads.models import StagedUpload
from app.uploads.staging import remove_expired_staged_uploads
from tests.support.database import apply_changes, count_rows, see_committed
from tests.support.files import png_image, windows_executable
from tests.support.flows import csrf_token
from tests.support.sessions import sign_in_as_member
from tests.test_post_attachments import (  # noqa: F401 (fixtures)
    Person,
    api_json,
    api_upload,
    attachments_of,
    compose,
    forum_fixture,
    person_fixture,
    start_thread,
    stored_files,
)


@pytest.fixture(name="files_dir")
def files_dir_fixture(app: FastAPI) -> Path:
    return Path(app.state.settings.resolved_files_dir)


def kept_ids(page: str) -> dict[int, str]:
    """The kept files a compose page holds, by slot (its hidden ``staged_N`` fields)."""
    return {
        int(slot): kept_id
        for slot, kept_id in re.findall(r'name="staged_(\d)" value="([^"]+)"', page)
    }


def post_form(browser: TestClient, path: str, fields: dict[str, Any]) -> Any:
    """The compose or edit form sent with no new file chosen."""
    return compose(browser, path, fields, {})


def test_a_refused_reply_keeps_its_files_and_alt_text_until_it_is_posted(
    person: Callable[..., Person], forum: dict[str, str], db: Session, files_dir: Path
) -> None:
    author, _ = person("Ann Author")
    reader, _ = person("Rob Reader")
    thread_id = start_thread(author, forum["Practice questions"])
    notes = b"Questions for a life story session.\n"
    path = f"/discussions/t/{thread_id}/reply"
    refused = compose(
        author,
        path,
        {"body": "My words, kept.", "alt_text_2": "typed for a document"},
        {1: ("chart.png", png_image()), 2: ("notes.txt", notes)},
    )
    assert refused.status_code == 422
    assert "Describe the image “chart.png” for someone who cannot see it" in refused.text
    assert "File 1, already attached: <strong>chart.png</strong>" in refused.text
    assert "File 2, already attached: <strong>notes.txt</strong>" in refused.text
    assert "Remove chart.png" in refused.text and 'value="typed for a document"' in refused.text
    kept = kept_ids(refused.text)
    assert sorted(kept) == [1, 2]
    assert count_rows(db, PostAttachment) == 0 and count_rows(db, StagedUpload) == 2

    posted = post_form(
        author,
        path,
        {
            "body": "My words, kept.",
            "staged_1": kept[1],
            "staged_2": kept[2],
            "alt_text_1": "A bar chart of visits by month",
            "alt_text_2": "typed for a document",
        },
    )
    assert posted.status_code == 303, posted.text
    image, document = attachments_of(db, thread_id)
    assert (image.original_filename, image.alt_text) == (
        "chart.png",
        "A bar chart of visits by month",
    )
    assert (document.original_filename, document.alt_text, document.size) == (
        "notes.txt",
        None,
        len(notes),
    )
    assert count_rows(db, StagedUpload) == 0
    page = reader.get(f"/discussions/t/{thread_id}").text
    assert f'<img src="/discussions/attachments/{image.id}" alt="A bar chart' in page
    assert reader.get(f"/discussions/attachments/{document.id}").content == notes
    # used up: the same ids attach nothing a second time
    again = post_form(author, path, {"body": "Once more", "staged_1": kept[1]})
    assert again.status_code == 303
    assert len(attachments_of(db, thread_id)) == 2


def test_a_refused_file_is_reported_with_every_other_error_and_the_good_one_is_kept(
    person: Callable[..., Person], forum: dict[str, str], db: Session, files_dir: Path
) -> None:
    author, _ = person("Ann Author")
    before = stored_files(files_dir)
    refused = compose(
        author,
        "/discussions/start",
        {"category_id": forum["Practice questions"], "title": "", "body": "Kept body"},
        {1: ("fine.txt", b"a good file"), 2: ("setup.exe", windows_executable())},
    )
    assert refused.status_code == 422
    assert "Enter a title for your thread" in refused.text
    assert "Files ending .exe are not accepted" in refused.text
    assert "already attached: <strong>fine.txt</strong>" in refused.text
    assert "setup.exe" not in " ".join(re.findall(r"already attached: <strong>[^<]*", refused.text))
    see_committed(db)
    assert list(db.execute(select(StagedUpload.original_filename)).scalars()) == ["fine.txt"]
    added = set(stored_files(files_dir)) - set(before)
    assert all(path.read_bytes() != windows_executable() for path in added)
    kept = kept_ids(refused.text)
    assert list(kept) == [1]
    posted = post_form(
        author,
        "/discussions/start",
        {
            "category_id": forum["Practice questions"],
            "title": "A title now",
            "body": "Kept body",
            "staged_1": kept[1],
        },
    )
    assert posted.status_code == 303, posted.text
    see_committed(db)
    thread_id = db.execute(select(Thread.id)).scalar_one()
    assert [item.original_filename for item in attachments_of(db, thread_id)] == ["fine.txt"]


def test_the_guards_question_keeps_the_files_for_post_anyway(
    person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    author, _ = person("Ann Author")
    thread_id = start_thread(author, forum["Practice questions"])
    path = f"/discussions/t/{thread_id}/reply"
    fields = {"body": "Visited Jayden Smith (4) today.", "alt_text_1": "A drawing of a house"}
    stopped = compose(author, path, fields, {1: ("house.png", png_image())})
    assert stopped.status_code == 409
    kept = kept_ids(stopped.text)
    # the guard's own form carries the kept file and its alt text, and the main form too
    guard_form = stopped.text.split('name="confirm_guard"')[1].split("</form>")[0]
    assert f'name="staged_1" value="{kept[1]}"' in guard_form
    assert 'name="alt_text_1" value="A drawing of a house"' in guard_form
    assert count_rows(db, PostAttachment) == 0

    anyway = post_form(
        author,
        path,
        {**fields, "staged_1": kept[1], "confirm_guard": "1", "guard_reason": "changed"},
    )
    assert anyway.status_code == 303, anyway.text
    (item,) = attachments_of(db, thread_id)
    assert (item.original_filename, item.alt_text) == ("house.png", "A drawing of a house")


def test_a_rate_limited_reply_keeps_its_files(
    app: FastAPI,
    person: Callable[..., Person],
    forum: dict[str, str],
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    author, _ = person("Ann Author")
    thread_id = start_thread(author, forum["Practice questions"])
    monkeypatch.setitem(
        app.state.rate_limiter.limits, "reply", parse_limits({"reply": "1/minute"})["reply"]
    )
    path = f"/discussions/t/{thread_id}/reply"
    assert post_form(author, path, {"body": "First"}).status_code == 303
    limited = compose(author, path, {"body": "Second"}, {1: ("plan.txt", b"the plan")})
    assert limited.status_code == 429
    assert "already attached: <strong>plan.txt</strong>" in limited.text
    assert list(kept_ids(limited.text)) == [1]
    assert len(attachments_of(db, thread_id)) == 0


def test_a_kept_file_is_only_its_owners_in_the_session_that_kept_it(
    app: FastAPI, person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    owner, owner_id = person("Ann Author")
    other, _ = person("Oscar Other")
    thread_id = start_thread(owner, forum["Practice questions"])
    path = f"/discussions/t/{thread_id}/reply"
    refused = compose(owner, path, {"body": ""}, {1: ("private.txt", b"owner's notes")})
    assert refused.status_code == 422
    kept = kept_ids(refused.text)[1]

    # another member naming the id gets nothing: no file, no name, the reply without it
    taken = post_form(other, path, {"body": "Taking it", "staged_1": kept})
    assert taken.status_code == 303
    shown = compose(other, path, {"body": "", "staged_1": kept}, {})
    assert shown.status_code == 422 and "private.txt" not in shown.text
    # the same member in another browser (another session) gets nothing either
    second = TestClient(app, base_url="http://testserver", follow_redirects=False)
    sign_in_as_member(second, owner_id)
    elsewhere = compose(second, path, {"body": "", "staged_1": kept}, {})
    assert elsewhere.status_code == 422 and "private.txt" not in elsewhere.text
    assert "Choose your files again" in elsewhere.text
    assert post_form(second, path, {"body": "From my phone", "staged_1": kept}).status_code == 303
    assert attachments_of(db, thread_id) == []
    assert count_rows(db, StagedUpload) == 1
    # the owner's own session still has it
    posted = post_form(owner, path, {"body": "Mine", "staged_1": kept})
    assert posted.status_code == 303
    assert [item.original_filename for item in attachments_of(db, thread_id)] == ["private.txt"]


def test_the_policy_for_kept_files(db: Session) -> None:
    now = utcnow()
    kept = StagedUpload(
        member_id="member-a",
        session_hash="session-1",
        storage_key="k",
        original_filename="a.txt",
        file_type="txt",
        content_type="text/plain",
        size=1,
        expires_at=now + timedelta(hours=1),
    )
    owner = StagedUploadHolder(member_id="member-a", session_hash="session-1")
    assert may_use_staged_upload(owner, kept, now)
    assert not may_use_staged_upload(
        StagedUploadHolder(member_id="member-b", session_hash="session-1"), kept, now
    )
    assert not may_use_staged_upload(
        StagedUploadHolder(member_id="member-a", session_hash="session-2"), kept, now
    )
    assert not may_use_staged_upload(owner, kept, now + timedelta(hours=2))
    # the SQL twin says the same
    compiled = str(staged_uploads_filter(owner, now).compile())
    assert "staged_upload.member_id" in compiled and "staged_upload.session_hash" in compiled
    assert "staged_upload.expires_at >" in compiled


def test_a_draft_keeps_the_kept_files(
    app: FastAPI, person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    author, author_id = person("Ann Author")
    thread_id = start_thread(author, forum["Practice questions"])
    path = f"/discussions/t/{thread_id}/reply"
    refused = compose(
        author, path, {"body": "Half written"}, {1: ("map.png", png_image())}
    )  # no alt text
    assert refused.status_code == 422
    kept = kept_ids(refused.text)[1]
    see_committed(db)
    draft = db.execute(select(Draft)).scalar_one()
    assert draft.fields["staged_1"] == kept and draft.fields["body"] == "Half written"

    reopened = author.get(f"{path}?draft={draft.id}")
    assert reopened.status_code == 200
    assert "File 1, already attached: <strong>map.png</strong>" in reopened.text
    assert kept_ids(reopened.text) == {1: kept}
    # the background save keeps them too
    saved = author.post(
        "/drafts/save",
        data={
            "draft_kind": "reply",
            "draft_id": draft.id,
            "thread_id": thread_id,
            "body": "Written more",
            "staged_1": kept,
            "alt_text_1": "A map of the area",
        },
        headers={"X-CSRFToken": csrf_token(author)},
    )
    assert saved.status_code == 200
    again = author.get(f"{path}?draft={draft.id}").text
    assert 'value="A map of the area"' in again and kept_ids(again) == {1: kept}
    # in another session the draft opens without the file, and says so
    second = TestClient(app, base_url="http://testserver", follow_redirects=False)
    sign_in_as_member(second, author_id)
    elsewhere = second.get(f"{path}?draft={draft.id}").text
    assert kept_ids(elsewhere) == {} and "Choose your files again" in elsewhere
    assert "map.png" not in elsewhere

    posted = post_form(
        author,
        path,
        {"body": "Done", "draft_id": draft.id, "staged_1": kept, "alt_text_1": "A map"},
    )
    assert posted.status_code == 303
    assert count_rows(db, Draft) == 0
    assert [item.alt_text for item in attachments_of(db, thread_id)] == ["A map"]


def reply_with_files(browser: TestClient, thread_id: str) -> None:
    response = compose(
        browser,
        f"/discussions/t/{thread_id}/reply",
        {"body": "Two files", "alt_text_1": "A chart"},
        {1: ("chart.png", png_image()), 2: ("old.txt", b"out of date")},
    )
    assert response.status_code == 303, response.text


def test_editing_a_post_adds_and_removes_files(
    person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    author, _ = person("Ann Author")
    reader, _ = person("Rob Reader")
    moderator, _ = person("Mo Moderator", is_moderator=True)
    thread_id = start_thread(author, forum["Practice questions"])
    reply_with_files(author, thread_id)
    image, old = attachments_of(db, thread_id)
    assert image.post_id is not None
    edit_path = f"/discussions/p/{image.post_id}/edit"
    post_id, image_id, old_id = image.post_id, image.id, old.id
    form = author.get(edit_path)
    assert form.status_code == 200
    assert "Remove old.txt" in form.text and "Remove chart.png" in form.text
    assert 'name="attachment_1"' in form.text  # one free slot: a post holds three files

    # refused (the new image has no alt text): the new file and the ticked box stay
    refused = compose(
        author,
        edit_path,
        {"body": "Two files, one new", "remove_attachment": old_id},
        {1: ("new.png", png_image())},
    )
    assert refused.status_code == 422
    assert "Describe the image “new.png”" in refused.text
    assert f'value="{old_id}" checked' in refused.text
    kept = kept_ids(refused.text)
    assert reader.get(f"/discussions/attachments/{old_id}").status_code == 200

    saved = post_form(
        author,
        edit_path,
        {
            "body": "Two files, one new",
            "remove_attachment": old_id,
            "staged_1": kept[1],
            "alt_text_1": "The new chart",
        },
    )
    assert saved.status_code == 303, saved.text
    files = attachments_of(db, thread_id)
    assert [(item.original_filename, item.alt_text) for item in files] == [
        ("chart.png", "A chart"),
        ("new.png", "The new chart"),
    ]
    for viewer in (author, reader, moderator):
        for path in (
            f"/discussions/attachments/{old_id}",
            f"/api/v1/discussions/attachments/{old_id}",
        ):
            assert viewer.get(path).status_code == 404
    assert old_id not in reader.get(f"/discussions/t/{thread_id}").text
    see_committed(db)
    revisions = list(db.execute(select(PostRevision).where(PostRevision.post_id == post_id)))
    assert len(revisions) == 1
    assert "Two files" in author.get(f"/discussions/p/{post_id}/history").text

    # files only: still an edit, in the history; a moderator's is audited with the names
    by_moderator = post_form(
        moderator, edit_path, {"body": "Two files, one new", "remove_attachment": image_id}
    )
    assert by_moderator.status_code == 303, by_moderator.text
    assert [item.original_filename for item in attachments_of(db, thread_id)] == ["new.png"]
    assert count_rows(db, PostRevision) == 2
    entry = db.execute(
        select(AuditEntry).where(AuditEntry.action == "post_edited_by_moderator")
    ).scalar_one()
    assert entry.before == {"files": ["chart.png"]}
    # someone who may not edit the post cannot remove its files
    (new,) = attachments_of(db, thread_id)
    denied = post_form(reader, edit_path, {"body": "Mine now", "remove_attachment": new.id})
    assert denied.status_code == 403
    assert reader.get(f"/discussions/attachments/{new.id}").status_code == 200


def test_the_api_edits_a_posts_files_and_a_refusal_changes_nothing(
    person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    author, _ = person("Ann Author")
    reader, _ = person("Rob Reader")
    thread_id = start_thread(author, forum["Practice questions"])
    reply_with_files(author, thread_id)
    image, old = attachments_of(db, thread_id)
    post_id, old_id = image.post_id, old.id
    post_path = f"/api/v1/discussions/posts/{post_id}"
    headers = {"X-CSRFToken": csrf_token(author)}

    unknown = author.patch(
        post_path,
        json={"body": "Changed", "remove_attachment_ids": ["not-a-file"]},
        headers=headers,
    )
    assert unknown.status_code == 422
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert "not a file attached to this post" in unknown.json()["errors"]["remove_attachment_ids"]
    too_many = api_upload(author, "third.txt", b"third").json()["id"]
    fourth = api_upload(author, "fourth.txt", b"fourth").json()["id"]
    full = author.patch(
        post_path, json={"body": "Changed", "attachment_ids": [too_many, fourth]}, headers=headers
    )
    assert full.status_code == 422 and "at most 3" in full.text
    see_committed(db)
    post = db.get_one(Post, post_id)
    assert post.body_markdown == "Two files" and post.edit_count == 0
    assert len(attachments_of(db, thread_id)) == 2

    edited = author.patch(
        post_path,
        json={
            "body": "Two files",
            "remove_attachment_ids": [old_id],
            "attachment_ids": [too_many],
        },
        headers=headers,
    )
    assert edited.status_code == 200, edited.text
    listed = reader.get(f"/api/v1/discussions/threads/{thread_id}").json()["posts"][1]
    assert [item["filename"] for item in listed["attachments"]] == ["chart.png", "third.txt"]
    assert reader.get(f"/api/v1/discussions/attachments/{old_id}").status_code == 404
    revisions = author.get(f"{post_path}/revisions").json()
    assert len(revisions) == 1


def test_a_refused_api_post_leaves_nothing_half_saved(
    person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    author, _ = person("Ann Author")
    upload = api_upload(author, "plan.txt", b"the plan").json()["id"]
    body = {
        "category_id": forum["Practice questions"],
        "title": "Plans",
        "body": "Visited Jayden Smith (4) today.",
        "attachment_ids": [upload],
    }
    guarded = api_json(author, "/api/v1/discussions/threads", body)
    assert guarded.status_code == 409
    assert guarded.headers["content-type"].startswith("application/problem+json")
    unknown = api_json(
        author,
        "/api/v1/discussions/threads",
        {**body, "body": "Fine words", "attachment_ids": [upload, "not-an-upload"]},
    )
    assert unknown.status_code == 422
    assert count_rows(db, Thread) == 0 and count_rows(db, Post) == 0
    see_committed(db)
    assert db.get_one(PostAttachment, upload).post_id is None
    created = api_json(author, "/api/v1/discussions/threads", {**body, "body": "Fine words"})
    assert created.status_code == 201, created.text
    see_committed(db)
    assert db.get_one(PostAttachment, upload).post_id is not None


def test_the_clean_up_keeps_a_stored_file_a_post_uses(
    app: FastAPI, person: Callable[..., Person], forum: dict[str, str], db: Session
) -> None:
    author, _ = person("Ann Author")
    thread_id = start_thread(author, forum["Practice questions"])
    path = f"/discussions/t/{thread_id}/reply"
    refused = compose(author, path, {"body": ""}, {1: ("same.txt", b"same bytes")})
    posted = post_form(author, path, {"body": "Posted", "staged_1": kept_ids(refused.text)[1]})
    assert posted.status_code == 303
    # the same content kept again, then left to expire
    assert compose(author, path, {"body": ""}, {1: ("copy.txt", b"same bytes")}).status_code == 422
    apply_changes(db, update(StagedUpload).values(expires_at=utcnow() - timedelta(minutes=1)))
    storage = app.state.file_storage
    (item,) = attachments_of(db, thread_id)
    # the clean-up's grace period is for uploads racing it: set aside by ageing the file
    path = storage.path_of(item.storage_key)
    old = path.stat().st_mtime - 3600
    os.utime(path, (old, old))
    with transaction(app.state.session_factory) as session:
        removed = remove_expired_staged_uploads(session, storage=storage)
    assert removed == 1
    assert storage.exists(item.storage_key)
    assert author.get(f"/discussions/attachments/{item.id}").content == b"same bytes"
