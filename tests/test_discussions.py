"""Discussions: categories, threads, replies, answers, reactions, editing, deleting,
moderation, visibility, the anonymisation guard's form and API flow, following and unread
markers: HTML pages and JSON API against a real database."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.db import utcnow
from app.discussions.models import Category, DiscussionVisit, Post, PostRevision, Thread
from app.discussions.seed import STARTING_CATEGORIES, seed_discussions
from tests.support.database import count_rows, see_committed
from tests.support.factories import make_member
from tests.support.flows import csrf_token
from tests.support.members import set_member
from tests.support.sessions import sign_in_as_member

Person = tuple[TestClient, str]
MakePerson = Callable[..., Person]


@pytest.fixture(name="forum")
def forum_fixture(client: TestClient, db: Session) -> dict[str, str]:
    """The six starting categories; returns their ids by name."""
    db.rollback()
    seed_discussions(db)
    db.commit()
    return {category.name: category.id for category in db.execute(select(Category)).scalars()}


@pytest.fixture(name="person")
def person_fixture(
    app: FastAPI, db: Session, oidc_primary_url: str, forum: dict[str, str]
) -> MakePerson:
    """A member signed in on their own browser: ``person("Name", is_moderator=True)``."""

    def factory(name: str, *, is_champion: bool = False, **kwargs: Any) -> Person:
        member = make_member(db, name=name, issuer=oidc_primary_url, **kwargs)
        if is_champion:
            set_member(db, member.id, is_champion=True)
        browser = TestClient(app, base_url="http://testserver", follow_redirects=False)
        sign_in_as_member(browser, member)
        return browser, member.id

    return factory


def api(browser: TestClient, method: str, path: str, body: Any = None) -> httpx.Response:
    return browser.request(method, path, json=body, headers={"X-CSRFToken": csrf_token(browser)})


def post_form(browser: TestClient, path: str, **data: Any) -> httpx.Response:
    return browser.post(path, data={"csrftoken": csrf_token(browser), **data})


def start(
    browser: TestClient, category_id: str, title: str = "Section 20 or a care order?", **extra: Any
) -> str:
    """A thread started through the API; returns its id."""
    body = {"category_id": category_id, "title": title, "body": "What would you do?", **extra}
    response = api(browser, "POST", "/api/v1/discussions/threads", body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def reply(browser: TestClient, thread_id: str, body: str = "A reply.", **extra: Any) -> str:
    response = api(
        browser, "POST", f"/api/v1/discussions/threads/{thread_id}/posts", {"body": body, **extra}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def thread_json(browser: TestClient, thread_id: str, page: int = 1) -> dict[str, Any]:
    response = browser.get(f"/api/v1/discussions/threads/{thread_id}", params={"page": page})
    assert response.status_code == 200, response.text
    return dict(response.json())


def audit_actions(db: Session) -> list[str]:
    see_committed(db)
    return list(db.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


PRACTICE = "Practice questions"


# --- categories and reading ------------------------------------------------------------------


def test_the_six_categories_are_listed_in_order(person: MakePerson) -> None:
    browser, _ = person("Ruth Ellis")
    page = browser.get("/discussions")
    assert page.status_code == 200
    names = [name for name, _description, _topics in STARTING_CATEGORIES]
    positions = [page.text.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions)
    listed = browser.get("/api/v1/discussions/categories").json()
    assert [category["name"] for category in listed] == names
    assert {"slug": "newly-qualified-and-asye", "name": "Newly qualified and ASYE"} in listed[2][
        "topics"
    ]


def test_start_a_thread_reply_and_read_it_in_html(
    person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, _ = person("Ruth Ellis")
    champion, _ = person("Gareth Evans", is_champion=True)

    started = post_form(
        ruth,
        "/discussions/start",
        category_id=forum[PRACTICE],
        title="Chronologies: how long is too long?",
        body="Our chronologies run to **40 pages**. Is that _useful_?",
        is_question="on",
        topics=["neglect", "court-work"],
    )
    assert started.status_code == 303, started.text
    thread_path = started.headers["location"]
    page = ruth.get(thread_path)
    assert "Your thread has been posted." in page.text
    assert "<strong>40 pages</strong>" in page.text and "<em>useful</em>" in page.text
    assert "Neglect" in page.text and "Court work" in page.text

    replied = post_form(champion, f"{thread_path}/reply", body="Aim for the key events only.")
    assert replied.status_code == 303
    assert re.search(r"#post-2$", replied.headers["location"])
    page = ruth.get(thread_path).text
    assert "Aim for the key events only." in page
    assert re.search(r'Gareth Evans</a> <strong class="govuk-tag govuk-tag--green">Champion', page)
    home = ruth.get("/").text
    assert "Recent discussion activity" in home and "Chronologies: how long is too long?" in home
    see_committed(db)
    thread = db.execute(select(Thread)).scalar_one()
    assert (thread.reply_count, thread.last_post_number, thread.is_question) == (1, 2, True)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "   "}, "title", "Enter a title for your thread"),
        ({"title": "t" * 151}, "title", "The title must be 150 characters or fewer"),
        ({"body": "  \r\n "}, "body", "Write your post"),
        ({"body": "b" * 20_001}, "body", "Your post must be 20,000 characters or fewer"),
        ({"category_id": ""}, "category_id", "Choose a category for your thread"),
        ({"category_id": "no-such-category"}, "category_id", "Choose a category for your thread"),
        ({"topics": ["made-up"]}, "topics", "Unknown topic: made-up"),
    ],
    ids=[
        "blank-title",
        "long-title",
        "blank-body",
        "long-body",
        "no-category",
        "bad-category",
        "bad-topic",
    ],
)
def test_bad_thread_input_is_refused_with_a_message(
    person: MakePerson,
    forum: dict[str, str],
    db: Session,
    fields: dict[str, Any],
    field: str,
    message: str,
) -> None:
    ruth, _ = person("Ruth Ellis")
    data = {"category_id": forum[PRACTICE], "title": "A title", "body": "A body", **fields}
    response = post_form(ruth, "/discussions/start", **data)
    assert response.status_code == 422
    assert f'<a href="#{field}">{message}' in response.text
    assert f'id="{field}"' in response.text
    api_response = api(ruth, "POST", "/api/v1/discussions/threads", data)
    assert api_response.status_code == 422
    assert api_response.headers["content-type"] == "application/problem+json"
    assert count_rows(db, Thread) == 0


def test_bad_reply_and_edit_input(person: MakePerson, forum: dict[str, str], db: Session) -> None:
    ruth, _ = person("Ruth Ellis")
    thread_id = start(ruth, forum[PRACTICE])
    assert post_form(ruth, f"/discussions/t/{thread_id}/reply", body=" ").status_code == 422
    too_long = api(
        ruth, "POST", f"/api/v1/discussions/threads/{thread_id}/posts", {"body": "x" * 20_001}
    )
    assert too_long.status_code == 422
    first = thread_json(ruth, thread_id)["posts"][0]["id"]
    edited = post_form(ruth, f"/discussions/p/{first}/edit", title="", body="New body")
    assert edited.status_code == 422 and "Enter a title for your thread" in edited.text
    assert count_rows(db, PostRevision) == 0


# --- locked and deleted threads --------------------------------------------------------------


def test_locked_thread_takes_no_replies_and_shows_why(
    person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, _ = person("Ruth Ellis")
    moderator, _ = person("Priya Shah", is_moderator=True)
    thread_id = start(ruth, forum[PRACTICE])

    no_reason = post_form(moderator, f"/discussions/t/{thread_id}/lock", reason=" ")
    assert no_reason.status_code == 422 and "Give a reason for locking the thread" in no_reason.text
    locked = post_form(
        moderator, f"/discussions/t/{thread_id}/lock", reason="Resolved; see the guide."
    )
    assert locked.status_code == 303

    page = ruth.get(f"/discussions/t/{thread_id}").text
    assert "The reason given: Resolved; see the guide." in page
    assert 'action="/discussions/t/' + thread_id + '/reply"' not in page
    refused = post_form(ruth, f"/discussions/t/{thread_id}/reply", body="One more thing")
    assert refused.status_code == 409 and "This thread is locked" in refused.text
    refused_api = api(ruth, "POST", f"/api/v1/discussions/threads/{thread_id}/posts", {"body": "x"})
    assert refused_api.status_code == 409
    assert "Resolved; see the guide." in refused_api.json()["detail"]
    assert count_rows(db, Post) == 1
    assert (
        api(moderator, "POST", f"/api/v1/discussions/threads/{thread_id}/unlock", {}).status_code
        == 200
    )
    reply(ruth, thread_id)
    assert audit_actions(db) == ["thread_locked", "thread_unlocked"]


def test_deleted_thread_is_gone_for_members_and_restorable_by_moderators(
    person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, _ = person("Ruth Ellis")
    other, _ = person("Bea Brown")
    moderator, _ = person("Priya Shah", is_moderator=True)
    thread_id = start(ruth, forum[PRACTICE])
    first = thread_json(ruth, thread_id)["posts"][0]["id"]

    assert api(other, "DELETE", f"/api/v1/discussions/posts/{first}").status_code == 403
    deleted = post_form(ruth, f"/discussions/p/{first}/delete", confirmed="yes")
    assert deleted.status_code == 303 and deleted.headers["location"] == "/discussions"

    for browser in (ruth, other):
        assert browser.get(f"/discussions/t/{thread_id}").status_code == 404
        assert browser.get(f"/api/v1/discussions/threads/{thread_id}").status_code == 404
        refused = api(
            browser, "POST", f"/api/v1/discussions/threads/{thread_id}/posts", {"body": "x"}
        )
        assert refused.status_code == 404
        assert browser.get("/api/v1/discussions/threads").json()["total"] == 0
    staff_view = moderator.get(f"/discussions/t/{thread_id}")
    assert staff_view.status_code == 200 and "This thread was deleted" in staff_view.text
    assert post_form(moderator, f"/discussions/t/{thread_id}/restore").status_code == 303
    assert ruth.get(f"/discussions/t/{thread_id}").status_code == 200


def test_author_deletes_a_reply_softly(
    person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, _ = person("Ruth Ellis")
    bea, _ = person("Bea Brown")
    moderator, _ = person("Priya Shah", is_moderator=True)
    thread_id = start(ruth, forum[PRACTICE])
    post_id = reply(bea, thread_id, "I will regret this reply")

    assert api(ruth, "DELETE", f"/api/v1/discussions/posts/{post_id}").status_code == 403
    assert post_form(bea, f"/discussions/p/{post_id}/delete", confirmed="yes").status_code == 303

    member_view = ruth.get(f"/discussions/t/{thread_id}").text
    assert "This post was deleted." in member_view and "I will regret" not in member_view
    assert thread_json(ruth, thread_id)["posts"][1]["body_html"] is None
    assert "I will regret" in moderator.get(f"/discussions/t/{thread_id}").text
    see_committed(db)
    assert db.get_one(Post, post_id).deleted_at is not None
    assert db.get_one(Thread, thread_id).reply_count == 0
    assert (
        api(moderator, "POST", f"/api/v1/discussions/posts/{post_id}/restore", {}).status_code
        == 200
    )
    assert "I will regret" in ruth.get(f"/discussions/t/{thread_id}").text


# --- questions and answers -------------------------------------------------------------------


def test_the_asker_accepts_an_answer_which_shows_under_the_question(
    person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, _ = person("Ruth Ellis")
    bea, _ = person("Bea Brown")
    gareth, _ = person("Gareth Evans", is_champion=True)
    question = start(ruth, forum["Newly qualified and ASYE"], "First month tips?", is_question=True)
    discussion = start(ruth, forum[PRACTICE], "Just a chat")
    first_answer = reply(bea, question, "Shadow visits.")
    best = reply(gareth, question, "Protected caseload of **12**.")
    chat_reply = reply(bea, discussion)
    assert browser_ids(ruth.get("/api/v1/discussions/threads?view=unanswered")) == [question]

    refused = api(
        bea, "PUT", f"/api/v1/discussions/threads/{question}/accepted-answer", {"post_id": best}
    )
    assert refused.status_code == 403
    assert "Only the member who asked" in refused.json()["detail"]
    not_a_question = api(
        ruth,
        "PUT",
        f"/api/v1/discussions/threads/{discussion}/accepted-answer",
        {"post_id": chat_reply},
    )
    assert not_a_question.status_code == 409
    first_post = thread_json(ruth, question)["posts"][0]["id"]
    itself = api(
        ruth,
        "PUT",
        f"/api/v1/discussions/threads/{question}/accepted-answer",
        {"post_id": first_post},
    )
    assert itself.status_code == 409
    elsewhere = api(
        ruth,
        "PUT",
        f"/api/v1/discussions/threads/{question}/accepted-answer",
        {"post_id": chat_reply},
    )
    assert elsewhere.status_code == 422

    accepted = post_form(ruth, f"/discussions/t/{question}/accept", post_id=best)
    assert accepted.status_code == 303
    page = ruth.get(f"/discussions/t/{question}").text
    answer_box = page.index('id="accepted-heading"')
    assert page.index('id="post-1"') < answer_box < page.index('id="post-2"')
    assert (
        "Protected caseload of <strong>12</strong>." in page[answer_box : page.index('id="post-2"')]
    )
    data = thread_json(bea, question)
    assert data["accepted_answer"]["id"] == best and data["thread"]["accepted_post_id"] == best
    assert browser_ids(ruth.get("/api/v1/discussions/threads?view=unanswered")) == []
    assert "Answered" in ruth.get("/discussions/c/newly-qualified-and-asye").text
    assert first_answer != best
    assert audit_actions(db) == []


def browser_ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [thread["id"] for thread in response.json()["threads"]]


# --- reactions -------------------------------------------------------------------------------


def test_helpful_and_thanks_once_each_with_counts(
    person: MakePerson, forum: dict[str, str]
) -> None:
    ruth, _ = person("Ruth Ellis")
    bea, _ = person("Bea Brown")
    cal, _ = person("Cal Clark")
    thread_id = start(ruth, forum[PRACTICE])
    post_id = reply(bea, thread_id, "Useful reply")
    path = f"/api/v1/discussions/posts/{post_id}/reactions"

    assert api(ruth, "POST", path, {"kind": "helpful"}).status_code == 204
    assert api(ruth, "POST", path, {"kind": "thanks"}).status_code == 204
    second = api(ruth, "POST", path, {"kind": "helpful"})
    assert second.status_code == 409
    assert second.json()["detail"].startswith("You have already marked this post as helpful")
    assert api(bea, "POST", path, {"kind": "helpful"}).status_code == 409, "not your own post"
    assert api(ruth, "POST", path, {"kind": "love"}).status_code == 422
    assert post_form(cal, f"/discussions/p/{post_id}/react", kind="helpful").status_code == 303
    again = post_form(cal, f"/discussions/p/{post_id}/react", kind="helpful")
    assert again.status_code == 409 and "already marked this post as helpful" in again.text

    reactions = thread_json(ruth, thread_id)["posts"][1]["reactions"]
    assert reactions == {"helpful": 2, "thanks": 1, "mine": ["helpful", "thanks"]}
    assert "Helpful (2)" in cal.get(f"/discussions/t/{thread_id}").text
    assert api(ruth, "DELETE", f"{path}/helpful").status_code == 204
    assert thread_json(cal, thread_id)["posts"][1]["reactions"]["helpful"] == 1


# --- editing ---------------------------------------------------------------------------------


def test_edit_history_is_kept_and_shown_to_author_and_moderators(
    person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, _ = person("Ruth Ellis")
    bea, _ = person("Bea Brown")
    moderator, _ = person("Priya Shah", is_moderator=True)
    thread_id = start(ruth, forum[PRACTICE], "Old title")
    first = thread_json(ruth, thread_id)["posts"][0]["id"]

    assert ruth.get(f"/discussions/p/{first}/edit").status_code == 200
    assert bea.get(f"/discussions/p/{first}/edit").status_code == 403
    saved = post_form(ruth, f"/discussions/p/{first}/edit", title="New title", body="Better *body*")
    assert saved.status_code == 303
    not_mine = api(bea, "PATCH", f"/api/v1/discussions/posts/{first}", {"body": "Vandalised"})
    assert not_mine.status_code == 403

    page = ruth.get(f"/discussions/t/{thread_id}").text
    assert "New title" in page and "Better <em>body</em>" in page and "see the edit history" in page
    assert "see the edit history" not in bea.get(f"/discussions/t/{thread_id}").text
    history = ruth.get(f"/discussions/p/{first}/history")
    assert history.status_code == 200
    assert "Old title" in history.text and "What would you do?" in history.text
    assert moderator.get(f"/discussions/p/{first}/history").status_code == 200
    assert bea.get(f"/discussions/p/{first}/history").status_code == 403
    revisions = api(moderator, "GET", f"/api/v1/discussions/posts/{first}/revisions").json()
    assert revisions[0]["title"] == "Old title" and revisions[0]["replaced_by"] == "Ruth Ellis"

    by_moderator = api(moderator, "PATCH", f"/api/v1/discussions/posts/{first}", {"body": "Tidied"})
    assert by_moderator.status_code == 200
    assert audit_actions(db) == ["post_edited_by_moderator"]
    see_committed(db)
    assert db.get_one(Post, first).edit_count == 2


# --- moderation ------------------------------------------------------------------------------


def test_moderators_pin_move_and_hide_with_an_audit_trail(
    person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, _ = person("Ruth Ellis")
    moderator, _ = person("Priya Shah", is_moderator=True)
    older = start(ruth, forum[PRACTICE], "Older thread")
    start(ruth, forum[PRACTICE], "Newer thread")
    post_id = reply(ruth, older, "Mentions a named family")

    assert post_form(ruth, f"/discussions/t/{older}/pin").status_code == 403
    assert (
        api(ruth, "POST", f"/api/v1/discussions/posts/{post_id}/hide", {"reason": "x"}).status_code
        == 403
    )
    assert post_form(moderator, f"/discussions/t/{older}/pin").status_code == 303
    listing = ruth.get("/discussions/c/practice-questions").text
    assert listing.index("Older thread") < listing.index("Newer thread")
    assert "Pinned" in listing

    hidden = post_form(
        moderator, f"/discussions/p/{post_id}/hide", reason="Could identify a family."
    )
    assert hidden.status_code == 303
    member_view = ruth.get(f"/discussions/t/{older}").text
    assert "A moderator hid this post: Could identify a family." in member_view
    assert "Mentions a named family" not in member_view
    assert "Mentions a named family" in moderator.get(f"/discussions/t/{older}").text
    assert (
        api(ruth, "PATCH", f"/api/v1/discussions/posts/{post_id}", {"body": "x"}).status_code == 409
    )

    moved = post_form(
        moderator, f"/discussions/t/{older}/move", category_id=forum["Policy and legislation"]
    )
    assert moved.status_code == 303
    assert "Older thread" in ruth.get("/discussions/c/policy-and-legislation").text
    same = api(
        moderator,
        "POST",
        f"/api/v1/discussions/threads/{older}/move",
        {"category_id": forum["Policy and legislation"]},
    )
    assert same.status_code == 409
    assert (
        api(moderator, "POST", f"/api/v1/discussions/posts/{post_id}/restore", {}).status_code
        == 200
    )
    assert "Mentions a named family" in ruth.get(f"/discussions/t/{older}").text
    assert audit_actions(db) == ["thread_pinned", "post_hidden", "thread_moved", "post_restored"]
    see_committed(db)
    hide_entry = db.execute(
        select(AuditEntry).where(AuditEntry.action == "post_hidden")
    ).scalar_one()
    assert hide_entry.reason == "Could identify a family." and hide_entry.subject_member_id


# --- who may see what ------------------------------------------------------------------------


def test_group_threads_are_invisible_to_members_outside_the_group(
    person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, _ = person("Ruth Ellis")
    admin, _ = person("Amara Okafor", is_admin=True)
    thread_id = start(ruth, forum[PRACTICE], "Private to a group")
    post_id = reply(ruth, thread_id)
    see_committed(db)
    db.get_one(Thread, thread_id).group_id = "psw-group-id"
    db.commit()
    bea, _ = person("Bea Brown")

    for path in (
        f"/discussions/t/{thread_id}",
        f"/discussions/t/{thread_id}/reply",
        f"/discussions/p/{post_id}",
        f"/discussions/p/{post_id}/edit",
        f"/api/v1/discussions/threads/{thread_id}",
    ):
        assert bea.get(path).status_code == 404, path
    for method, path, body in (
        ("POST", f"/api/v1/discussions/threads/{thread_id}/posts", {"body": "x"}),
        ("POST", f"/api/v1/discussions/posts/{post_id}/reactions", {"kind": "helpful"}),
        ("POST", f"/api/v1/discussions/posts/{post_id}/quote", {}),
        ("PUT", f"/api/v1/discussions/threads/{thread_id}/follow", None),
    ):
        assert api(bea, method, path, body).status_code == 404, path
    assert "Private to a group" not in bea.get("/discussions/c/practice-questions").text
    assert "Private to a group" not in bea.get("/").text
    assert bea.get("/api/v1/discussions/threads").json()["total"] == 0
    assert admin.get(f"/discussions/t/{thread_id}").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    assert client.get("/discussions").status_code == 303
    assert client.get("/api/v1/discussions/threads").status_code == 401


# --- the anonymisation guard in the flow -----------------------------------------------------


def test_guard_shows_passages_and_saves_only_when_the_author_posts_anyway(
    person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, _ = person("Ruth Ellis")
    data = {
        "category_id": forum[PRACTICE],
        "title": "Advice on a <b>home visit</b>",
        "body": "Visited Jayden Smith (4) at LS6 2QT.\nDOB 03/02/2019.",
    }
    checked = post_form(ruth, "/discussions/start", **data)
    assert checked.status_code == 409
    assert "<mark>Jayden Smith (4)</mark>" in checked.text
    assert "<mark>LS6 2QT</mark>" in checked.text and "<mark>DOB 03/02/2019</mark>" in checked.text
    assert "Edit my post" in checked.text and "Post anyway" in checked.text
    assert "&lt;b&gt;home visit&lt;/b&gt;" in checked.text
    assert count_rows(db, Thread) == 0

    assert "If you post anyway, why?" in checked.text
    no_reason = post_form(ruth, "/discussions/start", confirm_guard="1", **data)
    assert no_reason.status_code == 422
    assert "Choose why you are posting anyway" in no_reason.text
    assert "<mark>Jayden Smith (4)</mark>" in no_reason.text
    assert count_rows(db, Thread) == 0

    anyway = post_form(
        ruth, "/discussions/start", confirm_guard="1", guard_reason="changed", **data
    )
    assert anyway.status_code == 303
    see_committed(db)
    post = db.execute(select(Post)).scalar_one()
    assert {item["kind"] for item in post.guard_override or []} == {
        "name_with_age",
        "postcode",
        "date_of_birth",
    }
    assert audit_actions(db) == ["guard_overridden"]

    clean = post_form(ruth, "/discussions/start", **{**data, "body": "Visited a child at home."})
    assert clean.status_code == 303
    see_committed(db)
    assert count_rows(db, Thread) == 2


def test_guard_refuses_through_the_api_with_findings(
    person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, _ = person("Ruth Ellis")
    thread_id = start(ruth, forum[PRACTICE])
    path = f"/api/v1/discussions/threads/{thread_id}/posts"
    refused = api(ruth, "POST", path, {"body": "Call mum on 07700 900123"})
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["findings"] == [
        {
            "field": "body",
            "kind": "phone_number",
            "label": "a private phone number",
            "start": 12,
            "end": 24,
            "text": "07700 900123",
        }
    ]
    assert count_rows(db, Post) == 1
    without_reason = api(
        ruth, "POST", path, {"body": "Call mum on 07700 900123", "post_anyway": True}
    )
    assert without_reason.status_code == 422
    assert without_reason.json()["findings"][0]["kind"] == "phone_number"
    assert "professional" in without_reason.json()["guard_reasons"]
    assert count_rows(db, Post) == 1
    anyway = api(
        ruth,
        "POST",
        path,
        {"body": "Call mum on 07700 900123", "post_anyway": True, "guard_reason": "changed"},
    )
    assert anyway.status_code == 201
    preview = api(ruth, "POST", "/api/v1/discussions/preview", {"body": "NHS 943 476 5919"}).json()
    assert preview["findings"][0]["kind"] == "nhs_number"


def test_preview_renders_and_saves_nothing(
    person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, _ = person("Ruth Ellis")
    shown = post_form(
        ruth,
        "/discussions/start",
        category_id=forum[PRACTICE],
        title="T",
        body="Some **bold** text",
        action="preview",
    )
    assert shown.status_code == 200
    assert '<div class="govuk-inset-text portal-post-body"' in shown.text
    assert "Some <strong>bold</strong> text" in shown.text
    assert count_rows(db, Thread) == 0


# --- quoting ---------------------------------------------------------------------------------


def test_quote_a_post_or_part_of_it(person: MakePerson, forum: dict[str, str]) -> None:
    ruth, _ = person("Ruth Ellis")
    bea, _ = person("Bea Brown")
    thread_id = start(ruth, forum[PRACTICE])
    post_id = reply(bea, thread_id, "First point.\n\nSecond point.")

    form = ruth.get(f"/discussions/t/{thread_id}/reply", params={"quote": post_id})
    assert (
        "&gt; **Bea Brown** wrote:\n&gt;\n&gt; First point.\n&gt;\n&gt; Second point." in form.text
    )
    part = api(
        ruth, "POST", f"/api/v1/discussions/posts/{post_id}/quote", {"part": "Second point."}
    )
    assert part.json()["markdown"] == "> **Bea Brown** wrote:\n>\n> Second point.\n\n"
    invented = api(ruth, "POST", f"/api/v1/discussions/posts/{post_id}/quote", {"part": "Not said"})
    assert invented.status_code == 422
    posted = reply(ruth, thread_id, part.json()["markdown"] + "I agree.")
    html = thread_json(ruth, thread_id)["posts"][2]["body_html"]
    assert "<blockquote>" in html and posted


# --- following, unread, new since your last visit --------------------------------------------


def test_following_unread_markers_and_new_since_last_visit(
    person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, ruth_id = person("Ruth Ellis")
    bea, _ = person("Bea Brown")
    ruth.get("/discussions")  # Ruth's first visit
    see_committed(db)
    visit = db.get_one(DiscussionVisit, ruth_id)
    visit.last_visit_at = visit.last_visit_at.replace(year=visit.last_visit_at.year - 1)
    db.commit()

    assert (
        api(
            ruth, "PUT", f"/api/v1/discussions/categories/{forum['Research and evidence']}/follow"
        ).status_code
        == 204
    )
    research = start(bea, forum["Research and evidence"], "A new paper")
    elsewhere = start(bea, forum[PRACTICE], "Elsewhere")

    new = ruth.get("/api/v1/discussions/threads", params={"view": "new"}).json()
    assert {thread["id"]: thread["unread"] for thread in new["threads"]} == {
        research: "new",
        elsewhere: "new",
    }
    assert browser_ids(ruth.get("/api/v1/discussions/threads?view=following")) == [research]
    assert "New since your last visit" in ruth.get("/discussions/new").text

    thread_json(ruth, research)  # read it
    reply(bea, research, "Another study")
    reply(bea, research, "And a third")
    listed = ruth.get("/api/v1/discussions/threads", params={"view": "following"}).json()
    assert (listed["threads"][0]["unread"], listed["threads"][0]["new_replies"]) == (
        "new_replies",
        2,
    )
    page = ruth.get("/discussions/following").text
    assert "2 new replies" in page
    jump = ruth.get(f"/discussions/t/{research}/unread")
    assert jump.status_code == 303 and jump.headers["location"].endswith("#post-2")
    thread_json(ruth, research)
    listed = ruth.get("/api/v1/discussions/threads", params={"view": "following"}).json()
    assert listed["threads"][0]["unread"] == "read"

    assert post_form(ruth, f"/discussions/t/{elsewhere}/follow").status_code == 303
    assert set(browser_ids(ruth.get("/api/v1/discussions/threads?view=following"))) == {
        research,
        elsewhere,
    }
    assert api(ruth, "DELETE", f"/api/v1/discussions/threads/{elsewhere}/follow").status_code == 204
    assert browser_ids(ruth.get("/api/v1/discussions/threads?view=following")) == [research]


# --- scale -----------------------------------------------------------------------------------


def add_posts(db: Session, thread_id: str, count: int, author_id: str) -> None:
    """``count`` replies arranged directly in the database (committed)."""
    see_committed(db)
    thread = db.get_one(Thread, thread_id)
    now = utcnow()
    db.add_all(
        Post(
            thread_id=thread_id,
            number=thread.last_post_number + index,
            author_id=author_id,
            body_markdown=f"Reply {index}",
            body_html=f"<p>Reply {index}</p>",
            created_at=now,
        )
        for index in range(1, count + 1)
    )
    thread.last_post_number += count
    thread.reply_count += count
    db.commit()


def test_lists_and_threads_paginate(person: MakePerson, forum: dict[str, str], db: Session) -> None:
    ruth, ruth_id = person("Ruth Ellis")
    for number in range(30):
        start(ruth, forum["Events and learning"], f"Event thread {number:02d}")
    first = ruth.get("/discussions/c/events-and-learning").text
    older = re.search(r'href="\?(after=[^"]+)" rel="next"', first)
    assert older is not None and 'rel="prev"' not in first
    second = ruth.get(f"/discussions/c/events-and-learning?{older.group(1)}").text
    assert first.count('<a class="govuk-link" href="/discussions/t/') == 25
    assert second.count('<a class="govuk-link" href="/discussions/t/') == 5
    assert "30 threads" in first

    thread_id = start(ruth, forum[PRACTICE], "A long thread")
    add_posts(db, thread_id, 59, ruth_id)
    pages = [thread_json(ruth, thread_id, page) for page in (1, 2, 3)]
    assert [len(page["posts"]) for page in pages] == [25, 25, 10]
    assert pages[2]["posts"][-1]["number"] == 60 and pages[0]["pages"] == 3
    assert ruth.get(f"/discussions/t/{thread_id}?page=4").status_code == 404
    assert 'href="?page=3"' in ruth.get(f"/discussions/t/{thread_id}").text


# --- managing categories ---------------------------------------------------------------------


def test_admins_manage_categories(person: MakePerson, forum: dict[str, str], db: Session) -> None:
    admin, _ = person("Amara Okafor", is_admin=True)
    moderator, _ = person("Priya Shah", is_moderator=True)
    assert moderator.get("/discussions/manage/categories").status_code == 404
    assert (
        api(moderator, "POST", "/api/v1/discussions/categories", {"name": "X"}).status_code == 404
    )
    assert admin.get("/discussions/manage/categories").status_code == 200

    added = post_form(
        admin,
        "/discussions/manage/categories",
        name="Care leavers",
        description="Leaving care and transitions",
        position="5",
        topics=["care-leavers"],
    )
    assert added.status_code == 303
    duplicate = post_form(admin, "/discussions/manage/categories", name="Care leavers")
    assert duplicate.status_code == 422 and "already a category with that name" in duplicate.text
    listed = admin.get("/api/v1/discussions/categories").json()
    assert listed[0]["name"] == "Care leavers" and listed[0]["topics"][0]["slug"] == "care-leavers"
    changed = api(
        admin,
        "PUT",
        f"/api/v1/discussions/categories/{listed[0]['id']}",
        {"name": "Care leavers and transitions", "position": 70},
    )
    assert changed.status_code == 200 and changed.json()["topics"] == []
    assert audit_actions(db) == ["category_created", "category_changed"]


def test_openapi_describes_the_discussions_api(client: TestClient, person: MakePerson) -> None:
    ruth, _ = person("Ruth Ellis")
    paths = ruth.get("/api/v1/openapi.json").json()["paths"]
    for path, method in [
        ("/api/v1/discussions/threads", "post"),
        ("/api/v1/discussions/threads/{thread_id}", "get"),
        ("/api/v1/discussions/threads/{thread_id}/posts", "post"),
        ("/api/v1/discussions/posts/{post_id}", "patch"),
        ("/api/v1/discussions/posts/{post_id}/reactions", "post"),
        ("/api/v1/discussions/threads/{thread_id}/accepted-answer", "put"),
        ("/api/v1/discussions/threads/{thread_id}/lock", "post"),
        ("/api/v1/discussions/preview", "post"),
    ]:
        assert paths[path][method]["summary"], path
    assert "409" in paths["/api/v1/discussions/threads"]["post"]["responses"]
