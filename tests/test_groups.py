"""Groups: joining, requests, invitations, roles, and every refusal the issue names."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.groups.models import GroupMembership, JoinRequest
from app.members.models import Member
from tests.support.database import count_rows, see_committed
from tests.support.factories import make_member
from tests.support.flows import csrf_token
from tests.support.sessions import sign_in_as_member

Person = Callable[..., tuple[TestClient, Member]]


@pytest.fixture
def person(app: FastAPI, client: TestClient, db: Session, oidc_primary_url: str) -> Person:
    def make(name: str, **kwargs: object) -> tuple[TestClient, Member]:
        member = make_member(db, name=name, issuer=oidc_primary_url, **kwargs)  # type: ignore[arg-type]
        browser = TestClient(app, base_url="http://testserver", follow_redirects=False)
        sign_in_as_member(browser, member)
        return browser, member

    return make


def api(browser: TestClient, method: str, path: str, body: object | None = None):  # type: ignore[no-untyped-def]
    return browser.request(method, path, json=body, headers={"X-CSRFToken": csrf_token(browser)})


def new_group(browser: TestClient, name: str, kind: str) -> str:
    response = api(
        browser, "POST", "/api/v1/groups", {"name": name, "description": "About", "kind": kind}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["slug"])


def test_open_group_join_and_leave(person: Person, db: Session) -> None:
    owner, _ = person("Olu Owner")
    slug = new_group(owner, "Practice educators", "open")
    ann, _ = person("Ann")
    assert api(ann, "POST", f"/api/v1/groups/{slug}/join", {}).json() == {"result": "joined"}
    again = api(ann, "POST", f"/api/v1/groups/{slug}/join", {})
    assert again.status_code == 409 and "already a member" in again.json()["detail"]
    assert api(ann, "POST", f"/api/v1/groups/{slug}/leave").status_code == 204
    page = ann.get(f"/groups/{slug}")
    assert page.status_code == 200 and "Join the group" in page.text


def test_private_group_request_approve_and_refuse(person: Person, db: Session) -> None:
    owner, _ = person("Olu Owner")
    slug = new_group(owner, "Research network", "private")
    ann, ann_member = person("Ann")
    bob, _ = person("Bob")
    assert api(ann, "GET", f"/api/v1/groups/{slug}").json()["members"] is None
    assert api(
        ann, "POST", f"/api/v1/groups/{slug}/join", {"message": "I research neglect"}
    ).json() == {"result": "requested"}
    twice = api(ann, "POST", f"/api/v1/groups/{slug}/join", {})
    assert twice.status_code == 409 and "already asked" in twice.json()["detail"]
    api(bob, "POST", f"/api/v1/groups/{slug}/join", {})
    see_committed(db)
    requests = {r.member_id: r.id for r in db.execute(select(JoinRequest)).scalars()}
    not_owner = api(
        bob, "POST", f"/api/v1/groups/{slug}/requests/{requests[ann_member.id]}", {"approve": True}
    )
    assert not_owner.status_code == 403
    approved = api(
        owner,
        "POST",
        f"/api/v1/groups/{slug}/requests/{requests[ann_member.id]}",
        {"approve": True, "message": "Welcome"},
    )
    assert approved.json() == {"result": "approved"}
    decided_again = api(
        owner,
        "POST",
        f"/api/v1/groups/{slug}/requests/{requests[ann_member.id]}",
        {"approve": False},
    )
    assert decided_again.status_code == 409
    assert api(ann, "GET", f"/api/v1/groups/{slug}").json()["may_see_inside"] is True
    other_id = next(rid for mid, rid in requests.items() if mid != ann_member.id)
    refused = api(
        owner,
        "POST",
        f"/api/v1/groups/{slug}/requests/{other_id}",
        {"approve": False, "message": "Members only"},
    )
    assert refused.json() == {"result": "refused"}
    assert api(bob, "GET", f"/api/v1/groups/{slug}").json()["may_see_inside"] is False


def test_secret_group_invitation_only(person: Person, db: Session) -> None:
    owner, _ = person("Olu Owner")
    slug = new_group(owner, "Regional principal social worker group", "secret")
    ann, ann_member = person("Ann")
    assert ann.get(f"/groups/{slug}").status_code == 404
    assert api(ann, "POST", f"/api/v1/groups/{slug}/join", {}).status_code == 404
    assert "Regional principal" not in ann.get("/groups").text
    uninvited = api(ann, "POST", f"/api/v1/groups/{slug}/invitation", {"accept": True})
    assert uninvited.status_code == 404
    assert (
        api(
            owner, "POST", f"/api/v1/groups/{slug}/invitations", {"member_id": ann_member.id}
        ).status_code
        == 201
    )
    twice = api(owner, "POST", f"/api/v1/groups/{slug}/invitations", {"member_id": ann_member.id})
    assert twice.status_code == 409 and "already been invited" in twice.json()["detail"]
    invited_page = ann.get(f"/groups/{slug}")  # the invitation opens the page, to answer it
    assert invited_page.status_code == 200 and "Invitation" in invited_page.text
    assert "Regional principal" in ann.get("/groups").text
    assert api(ann, "POST", f"/api/v1/groups/{slug}/invitation", {"accept": True}).json() == {
        "result": "accepted"
    }
    accepted_again = api(ann, "POST", f"/api/v1/groups/{slug}/invitation", {"accept": True})
    assert (
        accepted_again.status_code == 409 and "already answered" in accepted_again.json()["detail"]
    )
    in_already = api(
        owner, "POST", f"/api/v1/groups/{slug}/invitations", {"member_id": ann_member.id}
    )
    assert in_already.status_code == 409 and "already in the group" in in_already.json()["detail"]
    assert "Ann" in ann.get(f"/groups/{slug}").text


def test_owners_and_roles(person: Person, db: Session) -> None:
    owner, owner_member = person("Olu Owner")
    slug = new_group(owner, "Newly qualified social workers", "open")
    ann, ann_member = person("Ann")
    api(ann, "POST", f"/api/v1/groups/{slug}/join", {})
    last_owner = api(owner, "POST", f"/api/v1/groups/{slug}/leave")
    assert last_owner.status_code == 409 and "only owner" in last_owner.json()["detail"]
    non_owner = api(
        ann, "PUT", f"/api/v1/groups/{slug}/members/{owner_member.id}/role", {"role": "member"}
    )
    assert non_owner.status_code == 403 and "Only the group's owners" in non_owner.json()["detail"]
    demote_last = api(
        owner, "PUT", f"/api/v1/groups/{slug}/members/{owner_member.id}/role", {"role": "member"}
    )
    assert demote_last.status_code == 409
    assert api(
        owner, "PUT", f"/api/v1/groups/{slug}/members/{ann_member.id}/role", {"role": "owner"}
    ).json() == {"result": "owner"}
    assert api(owner, "POST", f"/api/v1/groups/{slug}/leave").status_code == 204
    see_committed(db)
    roles = [m.role for m in db.execute(select(GroupMembership)).scalars()]
    assert roles == ["owner"]
    assert count_rows(db, GroupMembership) == 1


def test_bad_group_input(person: Person, db: Session) -> None:
    owner, _ = person("Olu Owner")
    response = api(owner, "POST", "/api/v1/groups", {"name": "", "description": "", "kind": "open"})
    assert response.status_code == 422
    form = owner.post(
        "/groups", data={"csrftoken": csrf_token(owner), "name": "", "description": "x"}
    )
    assert form.status_code == 422 and "Give a name" in form.text


def test_group_pages_show_its_content_to_members(person: Person, db: Session) -> None:
    owner, _ = person("Olu Owner")
    slug = new_group(owner, "Research network", "private")
    group = api(owner, "GET", f"/api/v1/groups/{slug}").json()
    created = owner.post(
        "/api/v1/resources",
        data={
            "title": "Group paper",
            "summary": "For the group",
            "type": "briefing",
            "group_id": group["id"],
        },
        files=[("files", ("paper.txt", b"text"))],
        headers={"X-CSRFToken": csrf_token(owner)},
    )
    assert created.status_code == 201, created.text
    page = owner.get(f"/groups/{slug}").text
    assert "Group paper" in page and "Start a thread in the group" in page
    outsider, _ = person("Ann")
    refused = outsider.post(
        "/api/v1/resources",
        data={"title": "Sneaky", "summary": "x", "type": "briefing", "group_id": group["id"]},
        files=[("files", ("x.txt", b"x"))],
        headers={"X-CSRFToken": csrf_token(outsider)},
    )
    assert refused.status_code == 422 and "not a member of it" in refused.text
