"""Keyset pagination (app/keyset.py): lists walk forward and back without repeats or gaps
even when many rows share a timestamp, a closed group's rows stay out of every page, and
a cursor that is not one answers 400 (the error page, or problem JSON on the API)."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.db import utcnow
from app.discussions.models import Category, Thread
from app.groups.models import Group, GroupKind, GroupMembership, GroupRole
from app.keyset import COUNT_CAP, decode_cursor, encode_cursor
from app.resources.models import Resource, ResourceStatus, ResourceType
from tests.support.members import signed_in

LISTED = 60
CLOSED = 6


@pytest.fixture
def viewer(client: TestClient) -> str:
    return signed_in(client, subject="kit-keyset", name="Kit Keyset")


@pytest.fixture
def closed_group(db: Session) -> str:
    group = Group(
        name="Closed casework group", slug="closed-casework", description="", kind=GroupKind.SECRET
    )
    db.add(group)
    db.commit()
    return group.id


@pytest.fixture
def shared_moment_resources(
    db: Session, viewer: str, closed_group: str
) -> tuple[set[str], set[str]]:
    """60 resources everyone may see and 6 of a group the viewer is not in, all created in
    the same microsecond, so only the id tells them apart."""
    moment = utcnow() - timedelta(days=1)
    listed, hidden = set(), set()
    for number in range(LISTED + CLOSED):
        in_group = number % 11 == 5
        resource = Resource(
            title=f"Shared moment {number:02d}",
            summary="A resource written in the same instant as its neighbours.",
            type=ResourceType.PRACTICE_GUIDE,
            status=ResourceStatus.PUBLISHED,
            owner_id=viewer,
            group_id=closed_group if in_group else None,
            created_at=moment,
            updated_at=moment,
        )
        db.add(resource)
        db.flush()
        (hidden if in_group else listed).add(resource.id)
    db.commit()
    assert len(hidden) == CLOSED
    return listed, hidden


@pytest.fixture
def shared_moment_threads(db: Session, viewer: str, closed_group: str) -> tuple[set[str], set[str]]:
    moment = utcnow() - timedelta(hours=2)
    public = Category(slug="keyset-talk", name="Keyset talk")
    closed = Category(slug="keyset-closed", name="Keyset closed", group_id=closed_group)
    db.add_all([public, closed])
    db.flush()
    listed, hidden = set(), set()
    for number in range(LISTED + CLOSED):
        in_group = number % 11 == 5
        thread = Thread(
            category_id=closed.id if in_group else public.id,
            group_id=closed_group if in_group else None,
            author_id=viewer,
            title=f"Same minute thread {number:02d}",
            created_at=moment,
            last_post_at=moment,
        )
        db.add(thread)
        db.flush()
        (hidden if in_group else listed).add(thread.id)
    db.commit()
    return listed, hidden


def resource_ids(page: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/resources/([0-9a-f-]{36})">', page)


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'href="\?([^"]+)" rel="{rel}"', page)
    return "/resources?" + found.group(1).replace("&amp;", "&") if found else None


def test_pages_walk_forward_and_back_without_repeats_or_gaps(
    client: TestClient, shared_moment_resources: tuple[set[str], set[str]]
) -> None:
    listed, hidden = shared_moment_resources
    forward: list[list[str]] = []
    page_text = ""
    path: str | None = "/resources?sort=newest"
    while path is not None:
        page = client.get(path)
        assert page.status_code == 200
        page_text = page.text
        forward.append(resource_ids(page_text))
        path = link(page_text, "next")
    assert [len(ids) for ids in forward] == [25, 25, 10]
    walked = [resource_id for ids in forward for resource_id in ids]
    assert len(walked) == len(set(walked)) == LISTED
    assert set(walked) == listed
    assert not set(walked) & hidden, "a closed group's resources on no page"

    backward = [forward[-1]]
    previous = link(page_text, "prev")
    while previous is not None:
        page = client.get(previous)
        backward.append(resource_ids(page.text))
        previous = link(page.text, "prev")
    assert list(reversed(backward)) == forward, "Previous retraces Next exactly"


def test_the_api_walks_the_same_cursors_both_ways(
    client: TestClient, shared_moment_resources: tuple[set[str], set[str]]
) -> None:
    listed, hidden = shared_moment_resources
    pages = [client.get("/api/v1/resources", params={"sort": "title"}).json()]
    assert pages[0]["previous_cursor"] is None and pages[0]["total"] == LISTED
    while pages[-1]["next_cursor"]:
        pages.append(
            client.get(
                "/api/v1/resources", params={"sort": "title", "after": pages[-1]["next_cursor"]}
            ).json()
        )
    titles = [item["title"] for page in pages for item in page["resources"]]
    assert titles == sorted(titles) and len(set(titles)) == LISTED
    assert {item["id"] for page in pages for item in page["resources"]} == listed

    back = client.get(
        "/api/v1/resources", params={"sort": "title", "before": pages[-1]["previous_cursor"]}
    ).json()
    assert [item["id"] for item in back["resources"]] == [
        item["id"] for item in pages[-2]["resources"]
    ]
    assert not hidden & {item["id"] for item in back["resources"]}


def test_a_closed_groups_threads_never_reach_page_two(
    client: TestClient, shared_moment_threads: tuple[set[str], set[str]]
) -> None:
    listed, hidden = shared_moment_threads
    first = client.get("/api/v1/discussions/threads").json()
    second = client.get(
        "/api/v1/discussions/threads", params={"after": first["next_cursor"]}
    ).json()
    third = client.get(
        "/api/v1/discussions/threads", params={"after": second["next_cursor"]}
    ).json()
    pages = [first, second, third]
    assert [len(page["threads"]) for page in pages] == [25, 25, 10]
    seen = [thread["id"] for page in pages for thread in page["threads"]]
    assert len(seen) == len(set(seen)) and set(seen) == listed
    assert third["next_cursor"] is None and first["total"] == LISTED

    # a cursor built from a hidden thread's own key shows nothing of it either
    hidden_id = sorted(hidden)[0]
    moment = decode_cursor(first["next_cursor"]).values[0]
    probe = encode_cursor([moment, hidden_id])
    around = client.get("/api/v1/discussions/threads", params={"after": probe}).json()
    assert not {thread["id"] for thread in around["threads"]} & hidden


def _token(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


BAD_CURSORS = {
    "not base64": "%%%not-a-cursor%%%",
    "not JSON": base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    "not a list": _token({"t": "2026-01-01T00:00:00+00:00"}),
    "empty list": _token([]),
    "too few keys": _token(["only-an-id"]),
    "an id that is a number": _token([{"t": "2026-01-01T00:00:00+00:00"}, 5]),
    "a time without a zone": _token([{"t": "2026-01-01T00:00:00"}, "an-id"]),
    "a time that is not one": _token([{"t": "yesterday"}, "an-id"]),
    "a string for a time": _token(["2026-01-01", "an-id"]),
    "a nested list": _token([[1, 2], "an-id"]),
    "far too long": "A" * 5000,
}


@pytest.mark.parametrize("name", BAD_CURSORS)
def test_an_invalid_cursor_answers_400(client: TestClient, viewer: str, name: str) -> None:
    cursor = BAD_CURSORS[name]
    # lists whose keys are (a time, a text id); the directory's are (a name, an id)
    for path in ("/resources", "/events", "/discussions/new", "/discussions/unanswered"):
        page = client.get(path, params={"after": cursor})
        assert page.status_code == 400, (path, page.status_code)
        assert "not valid" in page.text
    for path in ("/api/v1/resources", "/api/v1/discussions/threads", "/api/v1/events"):
        answer = client.get(path, params={"before": cursor})
        assert answer.status_code == 400, (path, answer.status_code)
        assert answer.headers["content-type"] == "application/problem+json"


def test_after_and_before_together_answer_400(client: TestClient, viewer: str) -> None:
    cursor = encode_cursor([utcnow(), "an-id"])
    answer = client.get("/api/v1/resources", params={"after": cursor, "before": cursor})
    assert answer.status_code == 400


def test_a_directory_cursor_needs_a_name_and_an_id(client: TestClient, viewer: str) -> None:
    assert client.get("/members", params={"after": encode_cursor(["Kit", "an-id"])}).is_success
    for values in ([utcnow(), "an-id"], ["Kit"], ["Kit", 7]):
        answer = client.get("/api/v1/members", params={"after": encode_cursor(values)})
        assert answer.status_code == 400, values


def test_a_cursor_from_another_sort_answers_400(
    client: TestClient, shared_moment_resources: tuple[set[str], set[str]]
) -> None:
    by_downloads = client.get("/api/v1/resources", params={"sort": "downloads"}).json()
    answer = client.get(
        "/api/v1/resources", params={"sort": "title", "after": by_downloads["next_cursor"]}
    )
    assert answer.status_code == 400


def test_counts_stop_at_a_thousand_and_the_page_lists_joined_groups(
    client: TestClient, viewer: str, db: Session
) -> None:
    general = Category(slug="busy-talk", name="Busy talk")
    joined = Group(name="Joined circle", slug="joined-circle", description="", kind=GroupKind.OPEN)
    other = Group(name="Other circle", slug="other-circle", description="", kind=GroupKind.OPEN)
    db.add_all([general, joined, other])
    db.flush()
    db.add(GroupMembership(group_id=joined.id, member_id=viewer, role=GroupRole.MEMBER))
    db.add_all(
        [
            Category(slug="joined-talk", name="Joined circle talk", group_id=joined.id),
            Category(slug="other-talk", name="Other circle talk", group_id=other.id),
        ]
    )
    moment = utcnow() - timedelta(days=3)
    db.execute(
        insert(Thread),
        [
            {
                "id": f"busy-{number:05d}",
                "category_id": general.id,
                "author_id": viewer,
                "title": f"Busy thread {number}",
                "is_question": True,
                "created_at": moment,
                "last_post_at": moment,
            }
            for number in range(COUNT_CAP + 1)
        ],
    )
    db.commit()

    overview = client.get("/discussions").text
    assert "More than 1,000 unanswered questions" in overview
    assert re.search(r"Busy talk</a>.*?More than 1,000</td>", overview, re.DOTALL)
    assert "Joined circle talk" in overview
    assert "Other circle talk" not in overview, "an open group's category is on its page"
    assert client.get("/discussions/c/other-talk").status_code == 200
    listed = client.get("/discussions/c/busy-talk").text
    assert "More than 1,000 threads" in listed
    api = client.get("/api/v1/discussions/threads", params={"category": "busy-talk"}).json()
    assert (api["total"], api["total_capped"], len(api["threads"])) == (COUNT_CAP, True, 25)


def test_the_groups_page_lists_25_by_name_and_leaves_out_secret_groups(
    client: TestClient, viewer: str, closed_group: str, db: Session
) -> None:
    db.add_all(
        Group(name=f"Circle {number:02d}", slug=f"circle-{number:02d}", description="", kind=kind)
        for number in range(30)
        for kind in [GroupKind.PRIVATE if number % 2 else GroupKind.OPEN]
    )
    db.commit()
    first = client.get("/groups").text
    names = re.findall(r'href="/groups/circle-(\d\d)"', first)
    assert names == [f"{number:02d}" for number in range(25)]
    older = re.search(r'href="\?(after=[^"]+)" rel="next"', first)
    assert older is not None
    second = client.get(f"/groups?{older.group(1)}").text
    assert re.findall(r'href="/groups/circle-(\d\d)"', second) == ["25", "26", "27", "28", "29"]
    assert "closed-casework" not in first + second
