"""The authorization matrix: object kind x where it lives x viewer x channel (page, list,
API, file download, calendar feed, notifications, e-mail digest and at once, search).

Every cell states allow or deny; a deny must not leak the object (no title, no body, no
file, no joining link) and, where the viewer may not know the object exists, answers 404
(or the sign-in redirect / 401 for someone not signed in). Search cells ask the real
Meilisearch after the worker has indexed the world.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import LONDON, transaction, utcnow
from app.discussions.models import Category, Post, PostAttachment
from app.discussions.schemas import ThreadCreate
from app.discussions.seed import seed_discussions
from app.discussions.service import Attaching, AttachmentUpload, start_thread
from app.errors import InvalidAction, NotFound
from app.events import service as events
from app.events.schemas import EventData
from app.groups.models import GroupMembership, GroupRole
from app.groups.service import create_group
from app.members.models import Member, MemberStatus
from app.notifications.delivery import prepare_digest, prepare_immediate
from app.notifications.kinds import NotificationKind
from app.notifications.models import NotificationPreference
from app.notifications.service import notify
from app.outbox.service import drain_once
from app.resources.models import ResourceFile
from app.resources.schemas import ResourceData
from app.resources.service import Upload, create_resource
from app.worker import registered_handlers
from tests.support.database import apply_changes
from tests.support.factories import make_member
from tests.support.files import png_image
from tests.support.flows import csrf_token
from tests.support.sessions import sign_in_as_member

PLACES = ("all members", "open group", "private group", "secret group")
VIEWERS = ("admin", "owner", "member", "other", "suspended", "anonymous")
KINDS = (
    "group",
    "member list",
    "thread",
    "post",
    "post attachment",
    "resource",
    "file",
    "event",
    "joining link",
)


@dataclass
class Place:
    name: str
    slug: str | None = None
    group_id: str | None = None
    thread_id: str = ""
    thread_title: str = ""
    post_marker: str = ""
    attachment_id: str = ""
    attachment_alt: str = ""
    resource_id: str = ""
    resource_title: str = ""
    file_id: str = ""
    file_bytes: bytes = b""
    event_id: str = ""
    event_title: str = ""
    joining_link: str = ""


@dataclass
class World:
    places: dict[str, Place] = field(default_factory=dict)
    browsers: dict[str, TestClient] = field(default_factory=dict)
    feeds: dict[str, str] = field(default_factory=dict)
    member_ids: dict[str, str] = field(default_factory=dict)
    member_name: str = "Mia Member"


def allowed(kind: str, place: str, viewer: str) -> bool:
    if viewer in ("anonymous", "suspended"):
        return False
    if viewer in ("admin", "owner", "member"):
        return True
    # another active member, not in the group
    if place in ("all members", "open group"):
        return True
    return kind == "group" and place == "private group"


def build_world(app: FastAPI, db: Session, provider_url: str) -> World:
    world = World()
    people = {
        "admin": make_member(db, name="Ada Admin", issuer=provider_url, is_admin=True),
        "owner": make_member(db, name="Owen Owner", issuer=provider_url),
        "member": make_member(db, name=world.member_name, issuer=provider_url),
        "other": make_member(db, name="Oscar Other", issuer=provider_url),
        "suspended": make_member(db, name="Sid Suspended", issuer=provider_url),
    }
    day = (utcnow() + timedelta(days=20)).astimezone(LONDON).date()
    with transaction(app.state.session_factory) as session:
        seed_discussions(session)
        owner = session.get_one(Member, people["owner"].id)
        everyone_category = session.execute(
            select(Category.id).where(Category.group_id.is_(None)).limit(1)
        ).scalar_one()
        for index, place_name in enumerate(PLACES):
            place = Place(place_name)
            category_id = everyone_category
            if place_name != "all members":
                group = create_group(
                    session,
                    actor=owner,
                    name=f"Matrix {place_name}",
                    description="Matrix group",
                    kind=place_name.split()[0],
                )
                session.add(
                    GroupMembership(
                        group_id=group.id, member_id=people["member"].id, role=GroupRole.MEMBER
                    )
                )
                session.flush()
                place.slug, place.group_id = group.slug, group.id
                assert group.category_id is not None
                category_id = group.category_id
            place.thread_title = f"Thread in the {place_name} zq{index}"
            place.post_marker = f"postmarker{index}xyz"
            place.attachment_alt = f"Matrix picture {index} altmarker"
            thread = start_thread(
                session,
                actor=owner,
                data=ThreadCreate(
                    category_id=category_id,
                    title=place.thread_title,
                    body=f"Opening words {place.post_marker}",
                ),
                attaching=Attaching(
                    storage=app.state.file_storage,
                    max_bytes=1024 * 1024,
                    files=[
                        AttachmentUpload(
                            slot=1,
                            upload=Upload(f"matrix-{index}.png", io.BytesIO(png_image())),
                            alt_text=place.attachment_alt,
                        )
                    ],
                ),
            )
            place.thread_id = thread.id
            place.attachment_id = session.execute(
                select(PostAttachment.id)
                .join(Post, Post.id == PostAttachment.post_id)
                .where(Post.thread_id == thread.id)
            ).scalar_one()
            place.resource_title = f"Resource of the {place_name} zq{index}"
            place.file_bytes = f"file body {index} secret".encode()
            resource = create_resource(
                session,
                storage=app.state.file_storage,
                actor=owner,
                data=ResourceData(
                    title=place.resource_title,
                    summary="Matrix",
                    type="briefing",
                    group_id=place.group_id,
                ),
                uploads=[Upload(f"matrix-{index}.txt", io.BytesIO(place.file_bytes))],
                max_bytes=1024 * 1024,
            )
            place.resource_id = resource.id
            place.file_id = session.execute(
                select(ResourceFile.id).where(ResourceFile.resource_id == resource.id)
            ).scalar_one()
            place.event_title = f"Event of the {place_name} zq{index}"
            place.joining_link = f"https://meet.example.org/matrix-room-{index}"
            event = events.create_event(
                session,
                actor=owner,
                data=EventData(
                    title=place.event_title,
                    description="Matrix",
                    type="meeting",
                    start_date=day,
                    start_time="10:00",
                    end_time="11:00",
                    online=True,
                    joining_link=place.joining_link,
                    group_id=place.group_id,
                ),
            )
            place.event_id = event.id
            world.places[place_name] = place
        # everyone books what they may see, so the feed and the joining link can be checked
        for viewer in ("admin", "owner", "member", "other", "suspended"):
            actor = session.get_one(Member, people[viewer].id)
            for place in world.places.values():
                if allowed("event", place.name, viewer) or viewer == "suspended":
                    with contextlib.suppress(InvalidAction, NotFound), session.begin_nested():
                        events.book(
                            session, actor=actor, event_id=place.event_id, reminder_hours=24
                        )
            world.feeds[viewer] = (
                "/calendar/" + events.new_feed_token(session, actor=actor) + ".ics"
            )
        # everyone is told about everything; the channels must show only what they may see
        for viewer in ("admin", "owner", "member", "other", "suspended"):
            world.member_ids[viewer] = people[viewer].id
            for place in world.places.values():
                tell_about_everything(session, people[viewer].id, place)
    world.feeds["anonymous"] = "/calendar/not-a-real-token.ics"
    for viewer, member in people.items():
        browser = TestClient(app, base_url="http://testserver", follow_redirects=False)
        sign_in_as_member(browser, member)
        world.browsers[viewer] = browser
    world.browsers["anonymous"] = TestClient(
        app, base_url="http://testserver", follow_redirects=False
    )
    handlers = registered_handlers(app.state.session_factory, app.state.settings)
    while drain_once(app.state.session_factory, handlers):
        pass
    apply_changes(
        db,
        update(Member)
        .where(Member.id == people["suspended"].id)
        .values(status=MemberStatus.SUSPENDED, status_reason="Matrix"),
    )
    return world


def tell_about_everything(session: Session, member_id: str, place: Place) -> None:
    """Digest-bound notifications about the place's post, event and group."""
    post_id = session.execute(
        select(Post.id).where(Post.thread_id == place.thread_id, Post.number == 1)
    ).scalar_one()
    subjects = [
        (NotificationKind.REPLY, "post", post_id),
        (NotificationKind.BOOKING_CHANGED, "event", place.event_id),
    ]
    if place.group_id:
        subjects.append((NotificationKind.GROUP_INVITATION, "group", place.group_id))
    for kind, subject_type, subject_id in subjects:
        notify(
            session,
            member_id=member_id,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            detail={"status": "booked"} if subject_type == "event" else {},
        )


def digest_text(app: FastAPI, member_id: str | None) -> str:
    """The viewer's digest as it would be sent now, built and then rolled back."""
    if member_id is None:
        return ""
    with app.state.session_factory() as session:
        email = prepare_digest(session, app.state.settings, member_id)
        session.rollback()
    return "" if email is None else email.text + email.html


def immediate_email_text(app: FastAPI, member_id: str | None, place: Place, kind: str) -> str:
    """The e-mail the worker would send at once about the place's post, event or group,
    built in a transaction that is then rolled back (nothing is queued or sent)."""
    if member_id is None:
        return ""
    with app.state.session_factory() as session:
        post_id = session.execute(
            select(Post.id).where(Post.thread_id == place.thread_id, Post.number == 1)
        ).scalar_one()
        notification_kind, subject_id = {
            "post": (NotificationKind.MENTION, post_id),
            "event": (NotificationKind.EVENT_CHANGED, place.event_id),
            "group": (NotificationKind.GROUP_INVITATION, place.group_id or ""),
        }[kind]
        session.add(
            NotificationPreference(
                member_id=member_id, kind=notification_kind.value, delivery="immediate"
            )
        )
        told = notify(
            session,
            member_id=member_id,
            kind=notification_kind,
            subject_type=kind,
            subject_id=subject_id,
        )
        assert told is not None
        email = prepare_immediate(session, app.state.settings, told.id)
        session.rollback()
    return "" if email is None else email.subject + email.text + email.html


def denied_status_ok(viewer: str, status: int, api: bool) -> bool:
    if viewer in ("anonymous", "suspended"):
        return status == (401 if api else 303)
    return status == 404


@dataclass
class Cell:
    kind: str
    place: str
    viewer: str
    channel: str
    expected: bool
    ok: bool
    detail: str = ""


def check_cells(app: FastAPI, world: World, viewer: str, place: Place) -> list[Cell]:
    browser = world.browsers[viewer]
    cells: list[Cell] = []

    def cell(
        kind: str,
        channel: str,
        *,
        seen: bool,
        status: int | None = None,
        api: bool = False,
        not_found_expected: bool = True,
    ) -> None:
        expected = allowed(kind, place.name, viewer)
        if expected:
            ok = seen
        else:
            ok = not seen and (
                status is None or not not_found_expected or denied_status_ok(viewer, status, api)
            )
        cells.append(
            Cell(
                kind,
                place.name,
                viewer,
                channel,
                expected,
                ok,
                "" if ok else f"status={status} seen={seen}",
            )
        )

    # group (not for "all members")
    if place.slug:
        group_page = browser.get(f"/groups/{place.slug}")
        cell(
            "group",
            "page",
            seen=group_page.status_code == 200 and "Matrix group" in group_page.text,
            status=group_page.status_code,
        )
        groups_list = browser.get("/api/v1/groups")
        cell(
            "group", "list", seen=groups_list.status_code == 200 and place.slug in groups_list.text
        )
        group_api = browser.get(f"/api/v1/groups/{place.slug}")
        cell(
            "group",
            "API",
            seen=group_api.status_code == 200,
            status=group_api.status_code,
            api=True,
        )
        members_visible = group_page.status_code == 200 and world.member_name in group_page.text
        cell(
            "member list",
            "page",
            seen=members_visible,
            status=group_page.status_code,
            not_found_expected=False,
        )
        api_members = group_api.status_code == 200 and group_api.json().get("members") is not None
        cell(
            "member list",
            "API",
            seen=api_members,
            status=group_api.status_code,
            api=True,
            not_found_expected=False,
        )
    # thread and post
    thread_page = browser.get(f"/discussions/t/{place.thread_id}")
    thread_seen = thread_page.status_code == 200 and place.thread_title in thread_page.text
    cell("thread", "page", seen=thread_seen, status=thread_page.status_code)
    cell("post", "page", seen=place.post_marker in thread_page.text, status=thread_page.status_code)
    threads_list = browser.get("/api/v1/discussions/threads")
    cell("thread", "list", seen=place.thread_id in threads_list.text)
    thread_api = browser.get(f"/api/v1/discussions/threads/{place.thread_id}")
    cell(
        "thread", "API", seen=thread_api.status_code == 200, status=thread_api.status_code, api=True
    )
    cell(
        "post",
        "API",
        seen=place.post_marker in thread_api.text,
        status=thread_api.status_code,
        api=True,
    )
    # the opening post's image: shown on the page, downloadable, listed and served by the API
    cell(
        "post attachment",
        "page",
        seen=place.attachment_alt in thread_page.text
        and f"/discussions/attachments/{place.attachment_id}" in thread_page.text,
        status=thread_page.status_code,
    )
    for channel, path in (
        ("file download", f"/discussions/attachments/{place.attachment_id}"),
        ("API", f"/api/v1/discussions/attachments/{place.attachment_id}"),
    ):
        download = browser.get(path)
        listed = channel == "file download" or place.attachment_id in thread_api.text
        cell(
            "post attachment",
            channel,
            seen=download.content == png_image() and listed,
            status=download.status_code,
            api=path.startswith("/api/"),
        )
    # resource and its file
    resource_page = browser.get(f"/resources/{place.resource_id}")
    cell(
        "resource",
        "page",
        seen=place.resource_title in resource_page.text,
        status=resource_page.status_code,
    )
    cell("resource", "list", seen=place.resource_id in browser.get("/api/v1/resources").text)
    resource_api = browser.get(f"/api/v1/resources/{place.resource_id}")
    cell(
        "resource",
        "API",
        seen=resource_api.status_code == 200,
        status=resource_api.status_code,
        api=True,
    )
    for channel, path in (
        ("file download", f"/resources/{place.resource_id}/files/{place.file_id}/download"),
        ("API", f"/api/v1/resources/{place.resource_id}/files/{place.file_id}/download"),
    ):
        download = browser.get(path)
        cell(
            "file",
            channel,
            seen=download.content == place.file_bytes,
            status=download.status_code,
            api=path.startswith("/api/"),
        )
    # event and its joining link
    event_page = browser.get(f"/events/{place.event_id}")
    cell("event", "page", seen=place.event_title in event_page.text, status=event_page.status_code)
    cell("event", "list", seen=place.event_id in browser.get("/api/v1/events").text)
    event_api = browser.get(f"/api/v1/events/{place.event_id}")
    cell("event", "API", seen=event_api.status_code == 200, status=event_api.status_code, api=True)
    feed = world.browsers["anonymous"].get(world.feeds[viewer])
    feed_text = feed.text.replace("\r\n ", "")
    cell("event", "calendar feed", seen=place.event_title in feed_text, status=None)
    cell("joining link", "page", seen=place.joining_link in event_page.text, status=None)
    cell("joining link", "API", seen=place.joining_link in event_api.text, status=None)
    cell("joining link", "calendar feed", seen=place.joining_link in feed_text, status=None)
    # notifications in the portal, and the e-mail digest built from them
    told = browser.get("/api/v1/notifications")
    told_text = told.text if told.status_code == 200 else ""
    digest = digest_text(app, world.member_ids.get(viewer))
    told_about = {"post": place.post_marker, "event": place.event_title}
    if place.slug:
        told_about["group"] = f"Matrix {place.name}"
    for kind, marker in told_about.items():
        cell(kind, "notifications", seen=marker in told_text, status=None)
        cell(kind, "e-mail digest", seen=marker in digest, status=None)
        at_once = immediate_email_text(app, world.member_ids.get(viewer), place, kind)
        cell(kind, "e-mail at once", seen=marker in at_once, status=None)
    # search, against the real Meilisearch, after the worker has indexed everything
    searches = {
        "thread": (place.thread_title, place.thread_id),
        "post": (place.post_marker, place.thread_id),
        "resource": (place.resource_title, place.resource_id),
        "event": (place.event_title, place.event_id),
    }
    if place.slug:
        searches["group"] = (f"Matrix {place.name}", f"/groups/{place.slug}")
    for kind, (query, identifier) in searches.items():
        found = browser.get("/api/v1/search", params={"q": query})
        assert found.status_code in (200, 401), found.text
        cell(
            kind, "search", seen=found.status_code == 200 and identifier in found.text, status=None
        )
    return cells


def test_authorization_matrix(
    app: FastAPI,
    client: TestClient,
    db: Session,
    oidc_primary_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world = build_world(app, db, oidc_primary_url)
    cells: list[Cell] = []
    for viewer in VIEWERS:
        for place in world.places.values():
            cells.extend(check_cells(app, world, viewer, place))
    failures = [cell for cell in cells if not cell.ok]
    with capsys.disabled():
        print(f"\nauthorization matrix: {len(cells)} cells checked, {len(failures)} wrong")
    assert not failures, "\n".join(
        f"{c.kind} / {c.place} / {c.viewer} / {c.channel}: expected "
        f"{'allow' if c.expected else 'deny'} ({c.detail})"
        for c in failures
    )
    # 6 viewers x (30 cells for all-members content + 3 x 39 per group)
    assert len(cells) == 882
    kinds_checked = {cell.kind for cell in cells}
    assert kinds_checked == set(KINDS)


def test_leaving_a_group_takes_access_away_at_once(
    app: FastAPI, client: TestClient, db: Session, oidc_primary_url: str
) -> None:
    world = build_world(app, db, oidc_primary_url)
    member = world.browsers["member"]
    place = world.places["private group"]
    assert member.get(f"/resources/{place.resource_id}").status_code == 200
    assert place.joining_link in member.get(f"/events/{place.event_id}").text
    feed_path = world.feeds["member"]
    assert place.event_title in world.browsers["anonymous"].get(feed_path).text
    from tests.support.flows import csrf_token

    left = member.post(
        f"/api/v1/groups/{place.slug}/leave", headers={"X-CSRFToken": csrf_token(member)}
    )
    assert left.status_code == 204
    assert member.get(f"/resources/{place.resource_id}").status_code == 404
    assert (
        member.get(f"/resources/{place.resource_id}/files/{place.file_id}/download").status_code
        == 404
    )
    assert member.get(f"/api/v1/resources/{place.resource_id}").status_code == 404
    assert member.get(f"/discussions/t/{place.thread_id}").status_code == 404
    assert member.get(f"/events/{place.event_id}").status_code == 404
    assert place.event_title not in world.browsers["anonymous"].get(feed_path).text
    # removal by the owner works the same way, for the secret group
    secret = world.places["secret group"]
    owner = world.browsers["owner"]
    member_id = member.get("/api/v1/me").json()["id"]
    removed = owner.delete(
        f"/api/v1/groups/{secret.slug}/members/{member_id}",
        headers={"X-CSRFToken": csrf_token(owner)},
    )
    assert removed.status_code == 204
    assert member.get(f"/groups/{secret.slug}").status_code == 404
    assert member.get(f"/resources/{secret.resource_id}").status_code == 404


# --- opportunities: state x viewer x channel ---------------------------------------------------

OPPORTUNITY_STATES = ("open", "closed", "withdrawn")
OPPORTUNITY_VIEWERS = (
    "admin",
    "recruiter",
    "colleague",
    "other recruiter",
    "member",
    "suspended",
    "anonymous",
)
"""``recruiter`` posted it; ``colleague`` is another recruiter of the same organisation;
``other recruiter`` recruits for another council."""


def opportunity_allowed(state: str, viewer: str, channel: str) -> bool:
    if viewer in ("anonymous", "suspended"):
        return False
    manages = viewer in ("admin", "recruiter", "colleague")
    if channel in ("list", "search"):
        return state == "open"
    if channel == "change":
        return manages and state != "withdrawn"
    # page and API: a closed one is still readable, marked closed; a withdrawn one is
    # for those who manage it only
    return state != "withdrawn" or manages


def test_opportunity_authorization_matrix(
    app: FastAPI,
    client: TestClient,
    db: Session,
    oidc_primary_url: str,
    engine: object,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.opportunities import service as opportunities
    from app.opportunities.models import Opportunity
    from app.opportunities.schemas import OpportunityData
    from app.worker import worker_tasks

    people = {
        "admin": make_member(db, name="Ada Admin", issuer=oidc_primary_url, is_admin=True),
        "recruiter": make_member(db, name="Rita Recruiter", issuer=oidc_primary_url),
        "colleague": make_member(db, name="Cal Colleague", issuer=oidc_primary_url),
        "other recruiter": make_member(
            db, name="Olu Other", issuer=oidc_primary_url, organisation="Sheffield City Council"
        ),
        "member": make_member(db, name="Mia Member", issuer=oidc_primary_url),
        "suspended": make_member(db, name="Sid Suspended", issuer=oidc_primary_url),
    }
    apply_changes(
        db,
        update(Member)
        .where(
            Member.id.in_(
                [people[name].id for name in ("recruiter", "colleague", "other recruiter")]
            )
        )
        .values(is_recruiter=True),
    )
    closing = (utcnow() + timedelta(days=20)).astimezone(LONDON).date()
    titles = {state: f"Matrix opportunity {state}" for state in OPPORTUNITY_STATES}
    ids: dict[str, str] = {}
    with transaction(app.state.session_factory) as session:
        poster = session.get_one(Member, people["recruiter"].id)
        for state, title in titles.items():
            data = OpportunityData(
                title=title,
                kind="secondment",
                location="hybrid",
                closing_date=closing,
                apply_url="https://jobs.example.gov.uk/matrix",
                description=f"Secondment {state} zebraword",
            )
            ids[state] = opportunities.post_opportunity(session, actor=poster, data=data).id
        opportunities.withdraw_opportunity(
            session, actor=poster, opportunity_id=ids["withdrawn"], reason="Filled"
        )
    yesterday = (utcnow() - timedelta(days=1)).astimezone(LONDON).date()
    closing_dates = {state: closing for state in OPPORTUNITY_STATES} | {"closed": yesterday}
    apply_changes(  # as if posted earlier: its closing day ended at the last midnight
        db,
        update(Opportunity)
        .where(Opportunity.id == ids["closed"])
        .values(
            closing_date=yesterday.isoformat(),
            closes_at=opportunities.clock.end_of_london_day(yesterday),
        ),
    )
    for job in worker_tasks(app.state.session_factory, app.state.settings).periodic:
        job()  # the worker's closing job
    handlers = registered_handlers(app.state.session_factory, app.state.settings)
    while drain_once(app.state.session_factory, handlers):
        pass
    browsers: dict[str, TestClient] = {}
    for viewer, member in people.items():
        browsers[viewer] = TestClient(app, base_url="http://testserver", follow_redirects=False)
        sign_in_as_member(browsers[viewer], member)
    browsers["anonymous"] = TestClient(app, base_url="http://testserver", follow_redirects=False)
    apply_changes(
        db,
        update(Member)
        .where(Member.id == people["suspended"].id)
        .values(status=MemberStatus.SUSPENDED, status_reason="Matrix"),
    )

    cells: list[Cell] = []
    for viewer in OPPORTUNITY_VIEWERS:
        browser = browsers[viewer]
        listed = browser.get("/api/v1/opportunities").text
        listed_page = browser.get("/opportunities").text
        found = browser.get("/api/v1/search", params={"q": "zebraword"})
        assert found.status_code in (200, 401), found.text
        try:
            token = csrf_token(browser)
        except KeyError:
            token = "none"
        for state in OPPORTUNITY_STATES:
            opportunity_id = ids[state]
            results: dict[str, tuple[bool, int | None, bool]] = {}
            page = browser.get(f"/opportunities/{opportunity_id}")
            results["page"] = (titles[state] in page.text, page.status_code, False)
            read = browser.get(f"/api/v1/opportunities/{opportunity_id}")
            results["API"] = (read.status_code == 200, read.status_code, True)
            results["list"] = (
                opportunity_id in listed or opportunity_id in listed_page,
                None,
                False,
            )
            results["search"] = (
                found.status_code == 200 and opportunity_id in found.text,
                None,
                False,
            )
            changed = browser.request(
                "PUT",
                f"/api/v1/opportunities/{opportunity_id}",
                json={
                    "title": titles[state],
                    "kind": "secondment",
                    "location": "remote",
                    "closing_date": closing_dates[state].isoformat(),
                    "apply_url": "https://jobs.example.gov.uk/matrix",
                    "description": f"Secondment {state} zebraword",
                },
                headers={"X-CSRFToken": token},
            )
            results["change"] = (changed.status_code == 200, None, True)
            for channel, (seen, status, is_api) in results.items():
                expected = opportunity_allowed(state, viewer, channel)
                if expected:
                    ok = seen
                elif status is None:
                    ok = not seen
                else:
                    ok = not seen and denied_status_ok(viewer, status, is_api)
                cells.append(
                    Cell(
                        "opportunity",
                        state,
                        viewer,
                        channel,
                        expected,
                        ok,
                        "" if ok else f"status={status} seen={seen}",
                    )
                )
    failures = [cell for cell in cells if not cell.ok]
    with capsys.disabled():
        print(f"\nopportunity matrix: {len(cells)} cells checked, {len(failures)} wrong")
    assert not failures, "\n".join(
        f"{c.kind} / {c.place} / {c.viewer} / {c.channel}: expected "
        f"{'allow' if c.expected else 'deny'} ({c.detail})"
        for c in failures
    )
    assert len(cells) == len(OPPORTUNITY_VIEWERS) * len(OPPORTUNITY_STATES) * 5


# --- CPD: private text x viewer x channel ---------------------------------------------------

CPD_VIEWERS = (
    "owner",
    "peer",
    "organiser",
    "admin",
    "moderator",
    "other",
    "suspended",
    "anonymous",
)
"""``peer`` wrote the note on the owner's entry; ``organiser`` runs the event it records."""
CPD_KINDS = ("entry text", "peer note")
CPD_CHANNELS = ("page", "list", "API", "export", "notifications", "e-mail", "search")


def cpd_allowed(kind: str, viewer: str, channel: str) -> bool:
    """The owner reads both on their pages, API and exports. Notifications and e-mails
    name an entry's title at most, and search never holds CPD: nobody, the owner
    included, finds the text there. Everyone else never sees either."""
    del kind
    return viewer == "owner" and channel in ("page", "list", "API", "export")


def test_cpd_authorization_matrix(
    app: FastAPI,
    client: TestClient,
    db: Session,
    oidc_primary_url: str,
    engine: object,
    mailbox: object,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from docx import Document

    from app.cpd.models import CpdEntry, CpdReflection
    from app.events.models import Booking, BookingStatus
    from app.search.sync import reindex
    from tests.support.portal import add_event, form, run_worker

    people = {
        "owner": make_member(db, name="Olga Owner", issuer=oidc_primary_url),
        "peer": make_member(db, name="Pete Peer", issuer=oidc_primary_url),
        "organiser": make_member(db, name="Ollie Organiser", issuer=oidc_primary_url),
        "admin": make_member(db, name="Ada Admin", issuer=oidc_primary_url, is_admin=True),
        "moderator": make_member(db, name="Mo Derator", issuer=oidc_primary_url, is_moderator=True),
        "other": make_member(db, name="Oscar Other", issuer=oidc_primary_url),
        "suspended": make_member(db, name="Sid Suspended", issuer=oidc_primary_url),
    }
    markers = {"entry text": "cpdtextzq7 learning", "peer note": "cpdnotezq7 reflection"}
    browsers: dict[str, TestClient] = {}
    for viewer, member in people.items():
        browsers[viewer] = TestClient(app, base_url="http://testserver", follow_redirects=False)
        sign_in_as_member(browsers[viewer], member)
    browsers["anonymous"] = TestClient(app, base_url="http://testserver", follow_redirects=False)
    owner, peer, organiser = browsers["owner"], browsers["peer"], browsers["organiser"]

    event_id = add_event(app, people["organiser"].id, "Matrix CPD event", timedelta(minutes=-30))
    with transaction(app.state.session_factory) as session:
        session.add(
            Booking(event_id=event_id, member_id=people["owner"].id, status=BookingStatus.BOOKED)
        )
    assert form(organiser, f"/events/{event_id}/attendance", attended=people["owner"].id)
    today = utcnow().astimezone(LONDON).date()
    saved = form(
        owner,
        "/cpd",
        title="Matrix CPD entry",
        happened_on=today.isoformat(),
        kind="event",
        learning=markers["entry text"],
        impact="Practice changes zq7",
        record="1",
        item_type="event",
        item_id=event_id,
    )
    assert saved.status_code == 303, saved.text
    entry_id = saved.headers["location"].removeprefix("/cpd/")
    db.rollback()
    handle = db.get_one(Member, people["peer"].id).handle
    invited = form(owner, f"/cpd/{entry_id}/reflections", colleague=f"@{handle}", question="Q?")
    assert invited.status_code == 303, invited.text
    db.rollback()
    reflection_id = db.execute(select(CpdReflection.id)).scalar_one()
    assert (
        form(peer, f"/cpd/invitations/{reflection_id}/note", note=markers["peer note"]).status_code
        == 303
    )
    # every channel's machinery runs: notifications, immediate e-mail, the index, a rebuild
    run_worker(app)
    reindex(app.state.session_factory, app.state.search_engine)
    run_worker(app)
    apply_changes(
        db,
        update(Member)
        .where(Member.id == people["suspended"].id)
        .values(status=MemberStatus.SUSPENDED, status_reason="Matrix"),
    )
    year = clock_year_start(today)
    sent = "\n".join(
        str(message.get_body(("plain",)).get_content()) + str(message["Subject"])  # type: ignore[attr-defined]
        for message in mailbox.messages  # type: ignore[attr-defined]
    )

    cells: list[Cell] = []
    for viewer in CPD_VIEWERS:
        browser = browsers[viewer]
        member_id = people[viewer].id if viewer in people else None
        page = browser.get(f"/cpd/{entry_id}")
        read = browser.get(f"/api/v1/cpd/entries/{entry_id}")
        listed = browser.get("/cpd").text + browser.get("/api/v1/cpd/entries").text
        docx = browser.get(f"/cpd/export/{year}.docx")
        docx_text = (
            "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
            if docx.status_code == 200
            else ""
        )
        exported = docx_text + browser.get(f"/cpd/export/{year}.csv").text
        told = browser.get("/api/v1/notifications")
        told_text = told.text if told.status_code == 200 else ""
        digest = digest_text(app, member_id)
        mailed = digest + (sent if member_id else "")
        for kind, marker in markers.items():
            found = browser.get("/api/v1/search", params={"q": marker.split()[0]})
            assert found.status_code in (200, 401), found.text
            results: dict[str, tuple[bool, int | None, bool]] = {
                "page": (marker in page.text, page.status_code, False),
                "list": (marker in listed, None, False),
                "API": (marker in read.text, read.status_code, True),
                "export": (marker in exported, None, False),
                "notifications": (marker in told_text, None, False),
                "e-mail": (marker in mailed, None, False),
                "search": (
                    found.status_code == 200 and marker.split()[0] in str(found.json()["hits"]),
                    None,
                    False,
                ),
            }
            for channel, (seen, status, is_api) in results.items():
                expected = cpd_allowed(kind, viewer, channel)
                if expected:
                    ok = seen
                elif status is None:
                    ok = not seen
                else:
                    ok = not seen and denied_status_ok(viewer, status, is_api)
                cells.append(
                    Cell(kind, "cpd", viewer, channel, expected, ok, f"status={status} seen={seen}")
                )
    # the organiser's one window on CPD: a count
    assert (
        "1 attendee recorded this event in their CPD"
        in organiser.get(f"/events/{event_id}/attendees").text
    )
    # and the index holds no CPD document at all, whatever a query would match
    search_engine = app.state.search_engine
    documents = (
        search_engine.client().index(search_engine.content_uid).get_documents({"limit": 10_000})
    )
    indexed = str([dict(document) for document in documents.results])
    assert event_id in indexed  # the scan sees the index's documents
    assert "zq7" not in indexed and entry_id not in indexed
    assert db.execute(select(CpdEntry.id)).scalars().all() == [entry_id]
    failures = [cell for cell in cells if not cell.ok]
    with capsys.disabled():
        print(f"\nCPD matrix: {len(cells)} cells checked, {len(failures)} wrong")
    assert not failures, "\n".join(
        f"{c.kind} / {c.viewer} / {c.channel}: expected "
        f"{'allow' if c.expected else 'deny'} ({c.detail})"
        for c in failures
    )
    assert len(cells) == len(CPD_VIEWERS) * len(CPD_KINDS) * len(CPD_CHANNELS)


def clock_year_start(day: object) -> int:
    from app.cpd.clock import registration_year_of

    return registration_year_of(day).starts_on.year  # type: ignore[arg-type]


# --- post attachments: the post's state x viewer x channel --------------------------------------

ATTACHMENT_STATES = ("live", "hidden", "deleted", "held by the guard")
ATTACHMENT_VIEWERS = ("admin", "author", "member", "suspended", "anonymous")


def attachment_allowed(state: str, viewer: str) -> bool:
    """A post's file goes to whoever may read the post; a hidden or deleted post's files to
    moderators; a file the guard holds to its author and moderators."""
    if viewer in ("anonymous", "suspended"):
        return False
    if state == "live":
        return True
    if state == "held by the guard":
        return viewer in ("admin", "author")
    return viewer == "admin"


def test_post_attachment_authorization_matrix(
    app: FastAPI,
    client: TestClient,
    db: Session,
    oidc_primary_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.discussions.schemas import PostCreate
    from app.discussions.service import delete_post, hide_post, reply

    people = {
        "admin": make_member(db, name="Ada Admin", issuer=oidc_primary_url, is_admin=True),
        "author": make_member(db, name="Aud Author", issuer=oidc_primary_url),
        "member": make_member(db, name="Mia Member", issuer=oidc_primary_url),
        "suspended": make_member(db, name="Sid Suspended", issuer=oidc_primary_url),
    }
    ids: dict[str, str] = {}
    with transaction(app.state.session_factory) as session:
        seed_discussions(session)
        author = session.get_one(Member, people["author"].id)
        admin = session.get_one(Member, people["admin"].id)
        category_id = session.execute(
            select(Category.id).where(Category.group_id.is_(None)).limit(1)
        ).scalar_one()
        thread = start_thread(
            session,
            actor=author,
            data=ThreadCreate(category_id=category_id, title="Attachment states", body="Hello"),
        )
        for state in ATTACHMENT_STATES:
            post = reply(
                session,
                actor=author,
                thread_id=thread.id,
                data=PostCreate(body=f"A picture, {state}"),
                attaching=Attaching(
                    storage=app.state.file_storage,
                    max_bytes=1024 * 1024,
                    files=[
                        AttachmentUpload(
                            slot=1,
                            upload=Upload("state.png", io.BytesIO(png_image())),
                            alt_text=f"Picture {state}",
                        )
                    ],
                ),
            )
            ids[state] = session.execute(
                select(PostAttachment.id).where(PostAttachment.post_id == post.id)
            ).scalar_one()
            if state == "hidden":
                hide_post(session, actor=admin, post_id=post.id, reason="Off topic")
            elif state == "deleted":
                delete_post(session, actor=author, post_id=post.id)
    apply_changes(
        db,
        update(PostAttachment)
        .where(PostAttachment.id == ids["held by the guard"])
        .values(guard_held=True),
    )
    browsers: dict[str, TestClient] = {}
    for viewer, member in people.items():
        browsers[viewer] = TestClient(app, base_url="http://testserver", follow_redirects=False)
        sign_in_as_member(browsers[viewer], member)
    browsers["anonymous"] = TestClient(app, base_url="http://testserver", follow_redirects=False)
    apply_changes(
        db,
        update(Member)
        .where(Member.id == people["suspended"].id)
        .values(status=MemberStatus.SUSPENDED, status_reason="Matrix"),
    )
    cells: list[Cell] = []
    for viewer in ATTACHMENT_VIEWERS:
        browser = browsers[viewer]
        page = browser.get(f"/discussions/t/{thread.id}")
        thread_api = browser.get(f"/api/v1/discussions/threads/{thread.id}")
        for state in ATTACHMENT_STATES:
            attachment_id = ids[state]
            results: dict[str, tuple[bool, int | None, bool]] = {
                "page": (f"/discussions/attachments/{attachment_id}" in page.text, None, False)
            }
            for channel, path, is_api in (
                ("file download", f"/discussions/attachments/{attachment_id}", False),
                ("API", f"/api/v1/discussions/attachments/{attachment_id}", True),
            ):
                download = browser.get(path)
                seen = download.content == png_image()
                if is_api:
                    seen = seen and attachment_id in thread_api.text
                results[channel] = (seen, download.status_code, is_api)
            for channel, (seen, status, is_api) in results.items():
                expected = attachment_allowed(state, viewer)
                if expected:
                    ok = seen
                elif status is None:
                    ok = not seen
                else:
                    ok = not seen and denied_status_ok(viewer, status, is_api)
                cells.append(
                    Cell(
                        "post attachment",
                        state,
                        viewer,
                        channel,
                        expected,
                        ok,
                        "" if ok else f"status={status} seen={seen}",
                    )
                )
    failures = [cell for cell in cells if not cell.ok]
    with capsys.disabled():
        print(f"\npost attachment matrix: {len(cells)} cells checked, {len(failures)} wrong")
    assert not failures, "\n".join(
        f"{c.kind} / {c.place} / {c.viewer} / {c.channel}: expected "
        f"{'allow' if c.expected else 'deny'} ({c.detail})"
        for c in failures
    )
    assert len(cells) == len(ATTACHMENT_VIEWERS) * len(ATTACHMENT_STATES) * 3
