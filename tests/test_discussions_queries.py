"""A thread page runs the same number of SQL statements whatever the thread's length."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.discussions.models import Reaction
from tests.support.database import see_committed
from tests.support.statements import counted_statements
from tests.test_discussions import (  # noqa: F401  (forum and person are fixtures)
    PRACTICE,
    MakePerson,
    add_posts,
    forum_fixture,
    person_fixture,
    start,
    thread_json,
)


def thread_with_replies(
    browser: TestClient,
    db: Session,
    category_id: str,
    author_id: str,
    others: list[str],
    replies: int,
) -> str:
    thread_id = start(browser, category_id, f"A thread of {replies} replies", is_question=True)
    add_posts(db, thread_id, replies, author_id)
    posts = thread_json(browser, thread_id)["posts"]
    see_committed(db)
    for post in posts[1:]:
        for member_id in others:
            db.add(Reaction(post_id=post["id"], member_id=member_id, kind="helpful"))
    db.commit()
    return thread_id


def test_thread_page_queries_do_not_grow_with_replies(
    app: FastAPI, person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, ruth_id = person("Ruth Ellis", is_moderator=True)
    _, bea_id = person("Bea Brown")
    _, cal_id = person("Cal Clark")
    short = thread_with_replies(ruth, db, forum[PRACTICE], ruth_id, [bea_id, cal_id], 10)
    long = thread_with_replies(ruth, db, forum[PRACTICE], ruth_id, [bea_id, cal_id], 500)

    counts = {}
    for name, path in {
        "10 replies": f"/discussions/t/{short}",
        "500 replies": f"/discussions/t/{long}",
        "500 replies, last page": f"/discussions/t/{long}?page=21",
        "10 replies (API)": f"/api/v1/discussions/threads/{short}",
        "500 replies (API)": f"/api/v1/discussions/threads/{long}",
    }.items():
        ruth.get(path)  # a first view writes the read marker; count a steady-state view
        with counted_statements(app) as statements:
            response = ruth.get(path)
        assert response.status_code == 200, response.text
        counts[name] = len(statements)

    print(f"\nSQL statements per thread page: {counts}")
    assert counts["10 replies"] == counts["500 replies"] == counts["500 replies, last page"]
    assert counts["10 replies (API)"] == counts["500 replies (API)"]
    assert counts["10 replies"] <= 20
