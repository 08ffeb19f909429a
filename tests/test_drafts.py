"""Drafts of a resource being written: saved when the form is refused and in the
background, listed under "Your drafts", continued, discarded on publish, and nobody
else's business."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.drafts.models import Draft
from app.members.models import Member
from tests.support.database import count_rows, see_committed
from tests.support.flows import csrf_token
from tests.support.members import browser, signed_in
from tests.support.portal import add_thread


@pytest.fixture
def writer(client: TestClient) -> TestClient:
    signed_in(client, subject="writer", name="Wren Writer")
    return client


def post_form(
    client: TestClient,
    path: str,
    data: dict[str, Any],
    file_parts: list[tuple[str, bytes]] | None = None,
) -> Any:
    token = csrf_token(client)
    return client.post(
        path,
        data={**data, "csrftoken": token},
        files=[("files", (name, content)) for name, content in (file_parts or [])],
    )


def draft_id_in(html: str) -> str:
    return html.split('id="draft_id" name="draft_id" value="', 1)[1].split('"', 1)[0]


def test_a_refused_form_is_saved_as_a_draft_and_discarded_on_publish(
    writer: TestClient, db: Session
) -> None:
    refused = post_form(
        writer,
        "/resources",
        {"title": "Direct work with teenagers", "summary": "", "type": "practice_guide"},
        [("guide.txt", b"Guide")],
    )
    assert refused.status_code == 422
    draft_id = draft_id_in(refused.text)
    assert draft_id and "your drafts" in refused.text

    listed = writer.get("/drafts")
    assert "Direct work with teenagers" in listed.text
    assert f'href="/resources/new?draft={draft_id}"' in listed.text

    resumed = writer.get(f"/resources/new?draft={draft_id}")
    assert resumed.status_code == 200
    assert 'value="Direct work with teenagers"' in resumed.text
    assert "guide.txt (TXT" in resumed.text  # the chosen file is still attached
    staged = resumed.text.split('name="staged" type="checkbox" value="', 1)[1].split('"', 1)[0]

    published = post_form(
        writer,
        "/resources",
        {
            "title": "Direct work with teenagers",
            "summary": "Ideas that work.",
            "type": "practice_guide",
            "staged": staged,
            "draft_id": draft_id,
        },
    )
    assert published.status_code == 303, published.text
    see_committed(db)
    assert count_rows(db, Draft) == 0
    assert "You have no drafts" in writer.get("/drafts").text


def test_the_background_save_keeps_one_draft_up_to_date(writer: TestClient, db: Session) -> None:
    headers = {"X-CSRFToken": csrf_token(writer)}
    first = writer.post(
        "/resources/draft", data={"title": "Half a thought", "type": "briefing"}, headers=headers
    )
    assert first.status_code == 200
    assert "Draft saved at" in first.text
    draft_id = draft_id_in(first.text)
    second = writer.post(
        "/resources/draft",
        data={
            "title": "A whole thought",
            "summary": "More",
            "type": "briefing",
            "draft_id": draft_id,
        },
        headers=headers,
    )
    assert second.status_code == 200 and draft_id_in(second.text) == draft_id
    see_committed(db)
    [draft] = db.execute(select(Draft)).scalars().all()
    assert draft.title == "A whole thought" and draft.fields["summary"] == "More"


def test_a_background_save_that_arrives_after_publishing_does_not_bring_the_draft_back(
    writer: TestClient, db: Session
) -> None:
    """The form's background save on the last change can reach the server after the submit
    that published the resource and discarded its draft."""
    headers = {"X-CSRFToken": csrf_token(writer)}
    saved = writer.post(
        "/resources/draft", data={"title": "Nearly there", "type": "briefing"}, headers=headers
    )
    draft_id = draft_id_in(saved.text)
    published = post_form(
        writer,
        "/resources",
        {"title": "Nearly there", "summary": "Done.", "type": "briefing", "draft_id": draft_id},
        [("notes.txt", b"Notes")],
    )
    assert published.status_code == 303, published.text
    late = writer.post(
        "/resources/draft",
        data={"title": "Nearly there", "type": "briefing", "draft_id": draft_id},
        headers=headers,
    )
    assert late.status_code == 200 and "Not saved as a draft" in late.text
    see_committed(db)
    assert count_rows(db, Draft) == 0
    assert "You have no drafts." in writer.get("/drafts").text


def test_a_draft_is_its_writers_alone(app: FastAPI, writer: TestClient, db: Session) -> None:
    refused = post_form(
        writer, "/resources", {"title": "Private plans", "summary": "", "type": "briefing"}
    )
    draft_id = draft_id_in(refused.text)
    other = browser(app)
    signed_in(other, subject="nosy", name="Nosy Parker")

    assert other.get(f"/resources/new?draft={draft_id}").status_code == 404
    assert "Private plans" not in other.get("/drafts").text
    discard = other.post(f"/drafts/{draft_id}/discard", data={"csrftoken": csrf_token(other)})
    assert discard.status_code == 404
    overwrite = other.post(
        "/resources/draft",
        data={"title": "Mine now", "type": "briefing", "draft_id": draft_id},
        headers={"X-CSRFToken": csrf_token(other)},
    )
    # Someone else's id gets the answer a published draft's gets: nothing saved, nothing told.
    assert overwrite.status_code == 200 and "Not saved as a draft" in overwrite.text
    see_committed(db)
    assert db.get_one(Draft, draft_id).title == "Private plans"
    assert count_rows(db, Draft) == 1

    discarded = writer.post(f"/drafts/{draft_id}/discard", data={"csrftoken": csrf_token(writer)})
    assert discarded.status_code == 303
    see_committed(db)
    assert db.get(Draft, draft_id) is None


# --- threads and replies -------------------------------------------------------------------


def test_a_thread_and_a_reply_being_written_are_kept_and_discarded_on_posting(
    app: FastAPI, writer: TestClient, db: Session
) -> None:
    writer_id = db.execute(select(Member.id)).scalar_one()
    thread_id, _ = add_thread(app, writer_id, "Supervision in the first year", "How often?")
    token = csrf_token(writer)

    preview = writer.post(
        f"/discussions/t/{thread_id}/reply",
        data={"csrftoken": token, "body": "Fortnightly, in my team.", "action": "preview"},
    )
    assert preview.status_code == 200
    reply_draft = draft_id_in(preview.text)
    refused_thread = writer.post(
        "/discussions/start", data={"csrftoken": token, "title": "Court skills", "body": ""}
    )
    assert refused_thread.status_code == 422
    thread_draft = draft_id_in(refused_thread.text)

    listed = writer.get("/drafts").text
    assert "Reply to “Supervision in the first year”" in listed and "Court skills" in listed
    assert f"/discussions/t/{thread_id}/reply?draft={reply_draft}" in listed
    continued = writer.get(f"/discussions/t/{thread_id}/reply?draft={reply_draft}")
    assert "Fortnightly, in my team." in continued.text
    assert 'value="Court skills"' in writer.get(f"/discussions/start?draft={thread_draft}").text

    posted = writer.post(
        f"/discussions/t/{thread_id}/reply",
        data={"csrftoken": token, "body": "Fortnightly, in my team.", "draft_id": reply_draft},
    )
    assert posted.status_code == 303
    see_committed(db)
    assert db.get(Draft, reply_draft) is None and db.get(Draft, thread_draft) is not None


def test_the_background_save_of_a_reply_keeps_only_its_fields(
    writer: TestClient, db: Session
) -> None:
    saved = writer.post(
        "/drafts/save",
        data={
            "csrftoken": csrf_token(writer),
            "draft_kind": "reply",
            "thread_id": "some-thread",
            "draft_title": "Reply to “Something”",
            "body": "Half a reply",
            "is_admin": "1",
        },
    )
    assert saved.status_code == 200 and "Draft saved at" in saved.text
    see_committed(db)
    [draft] = db.execute(select(Draft)).scalars().all()
    assert draft.fields == {"body": "Half a reply", "thread_id": "some-thread"}
    assert draft.title == "Reply to “Something”"
    unknown = writer.post(
        "/drafts/save", data={"csrftoken": csrf_token(writer), "draft_kind": "event"}
    )
    assert unknown.status_code == 422
