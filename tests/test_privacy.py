"""Members' data rights: the export holds every kind of data, streams in flat memory, and
erasure leaves nothing of the member in any text column, in Meilisearch or in an e-mail
sent afterwards, while their posts stay under "A former member". Retention deletes what is
past its time and nothing else."""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from datetime import timedelta
from email.message import EmailMessage

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import JSON, String, Text, cast, func, insert, or_, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.audit.models import AuditEntry
from app.cpd.models import (
    CpdDismissal,
    CpdEntry,
    CpdKind,
    CpdReflection,
    LinkedItem,
    ResourceUse,
)
from app.db import Base, transaction, utcnow
from app.discussions import service as discussions
from app.discussions.models import (
    CategoryFollow,
    DiscussionVisit,
    Post,
    PostAttachment,
    PostRevision,
    Reaction,
    Thread,
    ThreadRead,
)
from app.discussions.schemas import PostUpdate
from app.drafts.models import Draft, DraftKind
from app.events import service as events
from app.events.models import Booking, BookingStatus, CalendarFeed, Event
from app.groups.models import GroupRole, JoinRequest
from app.guard.models import GuardOverride, GuardReason
from app.members import tokens
from app.members.models import AdminInvitation, Member, Visibility
from app.moderation.models import MemberWarning
from app.notifications.models import (
    DigestSchedule,
    Notification,
    NotificationPreference,
    SentEmail,
)
from app.opportunities.models import (
    ApplyClick,
    Opportunity,
    OpportunityAlert,
    OpportunityKind,
    OpportunityPageView,
    WorkLocation,
)
from app.outbox.models import OutboxMessage
from app.outbox.sync import enqueue_sync
from app.privacy.export import export_chunks
from app.privacy.models import DataExport, Erasure, ExportStatus, RetentionRun
from app.privacy.registry import PERSONAL_DATA, export_file_names
from app.privacy.retention import RULES, export_path, run_retention
from app.resources.models import Resource, ResourceFile, ResourceStatus
from app.resources.schemas import ResourceData
from app.resources.service import Upload, create_resource
from app.search.engine import SearchEngine
from app.search.models import SearchSynonym
from app.security.models import SignInAttempt, WebSession
from app.security.sessions import session_cookie_name
from app.topics.models import Topic, member_topic
from app.uploads.models import StagedUpload
from tests.support.database import see_committed
from tests.support.factories import organisation_named
from tests.support.files import pdf_with_text
from tests.support.flows import csrf_token
from tests.support.portal import (
    MakeMember,
    add_event,
    add_group,
    add_reply,
    add_thread,
    audit_actions,
    form,
    report,
    run_worker,
)
from tests.support.smtp import SmtpSink

NAME = "Quentin Zephyrine-Abbot"
EMAIL = "quentin.zephyrine@leeds.gov.uk"
SUBJECT = "qz-subject-77310"
SECRETS = (NAME, EMAIL, SUBJECT)


def text_columns() -> list[tuple[str, str]]:
    """Every String, Text and JSON column of every table: tables added later are covered."""
    return [
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String | Text | JSON)
    ]


def tables_mentioning(db: Session, needles: tuple[str, ...]) -> list[str]:
    see_committed(db)
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | Text | JSON):
                continue
            as_text = cast(column, Text) if isinstance(column.type, JSON) else column
            for needle in needles:
                hits = db.execute(
                    select(func.count())
                    .select_from(table)
                    .where(func.lower(as_text).contains(needle.lower(), autoescape=True))
                ).scalar_one()
                if hits:
                    found.append(f"{table.name}.{column.name} holds {needle!r}")
    return found


def message_text(message: EmailMessage) -> str:
    """Headers and every part decoded (bodies may be quoted-printable or base64)."""
    parts = [f"{key}: {value}" for key, value in message.items()]
    for part in message.walk():
        if not part.is_multipart():
            parts.append(str(part.get_content()))
    return "\n".join(parts)


def tables_not_holding(db: Session, member_id: str) -> set[str]:
    """Tables with a reference to a member that hold none to this one."""
    see_committed(db)
    missing = set()
    for table in Base.metadata.sorted_tables:
        columns = [
            column
            for column in table.columns
            if any(key.column.table.name == "member" for key in column.foreign_keys)
        ]
        if not columns or table.name == "member":
            continue
        held = db.execute(
            select(func.count())
            .select_from(table)
            .where(or_(*(column == member_id for column in columns)))
        ).scalar_one()
        if not held:
            missing.add(table.name)
    return missing


def search_hits(engine: SearchEngine, text: str) -> list[dict[str, object]]:
    client = engine.client()
    found = client.index(engine.content_uid).search(text, {"limit": 20, "matchingStrategy": "all"})
    return list(found["hits"])


def arrange_everything(
    app: FastAPI, db: Session, make: MakeMember, browser_of, mailbox: SmtpSink
) -> dict[str, str]:
    """A member with something in every table that can hold their data."""
    admin = make("Ada Admin", is_admin=True)
    other = make("Olive Other")
    quentin = make(NAME, email=EMAIL, subject=SUBJECT)
    ids = {"admin": admin.id, "other": other.id, "quentin": quentin.id}
    browser = browser_of(quentin)
    ids["browser"] = "open"
    factory = app.state.session_factory
    with transaction(factory) as session:
        member = session.get_one(Member, quentin.id)
        member.job_title, member.team = "Advanced practitioner", "Fostering team"
        member.bio = "I work with foster carers."
        member.profile_visibility = {"bio": Visibility.MEMBERS.value}
        topic = session.execute(select(Topic).limit(1)).scalar_one()
        session.execute(insert(member_topic).values(member_id=member.id, topic_id=topic.id))
        tokens.create_token(session, actor=member, name="My script")
        enqueue_sync(session, kind="member", id=member.id)
        session.add(AdminInvitation(email=EMAIL))
        session.add(
            SignInAttempt(
                state="s" * 40,
                browser_hash="b" * 64,
                provider_name="leeds",
                nonce="n" * 40,
                code_verifier="c" * 60,
                expires_at=utcnow() - timedelta(days=90),
            )
        )
    group_id = add_group(
        app, "Fostering leads", {quentin.id: GroupRole.MEMBER, admin.id: GroupRole.OWNER}
    )
    with transaction(factory) as session:
        session.add(
            JoinRequest(group_id=group_id, member_id=quentin.id, message="Please let me in")
        )
    thread_id, opening_id = add_thread(
        app, quentin.id, "Life story work with teenagers", "What has worked for you?"
    )
    ids["thread"], ids["opening"] = thread_id, opening_id
    other_reply = add_reply(app, other.id, thread_id, "Memory boxes help.")
    second = add_reply(app, quentin.id, thread_id, "Thanks, we tried memory boxes last year.")
    ids["second"] = second
    with transaction(factory) as session:
        member = session.get_one(Member, quentin.id)
        discussions.edit_post(
            session,
            actor=member,
            post_id=second,
            data=PostUpdate(body="Thanks, we tried memory boxes in our team last year."),
        )
        discussions.react(session, actor=member, post_id=other_reply, kind="helpful")
        category_id = session.get_one(Thread, thread_id).category_id
        session.add(CategoryFollow(member_id=quentin.id, category_id=category_id))
        session.merge(ThreadRead(member_id=quentin.id, thread_id=thread_id, last_read_number=3))
        session.merge(DiscussionVisit(member_id=quentin.id, last_visit_at=utcnow()))
    event_id = add_event(app, admin.id, "Court skills workshop")
    with transaction(factory) as session:
        session.get_one(Event, event_id).capacity = 1
        events.book(
            session, actor=session.get_one(Member, quentin.id), event_id=event_id, reminder_hours=24
        )
        events.book(
            session, actor=session.get_one(Member, other.id), event_id=event_id, reminder_hours=24
        )
        session.add(CalendarFeed(member_id=quentin.id, token_hash="f" * 64))
    ids["event"] = event_id
    ids["organised"] = add_event(app, quentin.id, "Supervision clinic")
    exported = export_path(app.state.settings, "export-of-quentin")
    exported.parent.mkdir(parents=True, exist_ok=True)
    exported.write_bytes(NAME.encode())
    with transaction(factory) as session:
        resource = create_resource(
            session,
            storage=app.state.file_storage,
            actor=session.get_one(Member, quentin.id),
            data=ResourceData(
                title="Life story work toolkit",
                summary="Templates for life story books.",
                type="tool_or_template",
                topics=[],
            ),
            uploads=[Upload("toolkit.pdf", io.BytesIO(pdf_with_text("Life story templates.")))],
            max_bytes=1024 * 1024,
        )
        ids["resource"] = resource.id
    assert report(browser, "post", other_reply, "spam", "Looks like an advert").status_code == 201
    with transaction(factory) as session:
        member = session.get_one(Member, quentin.id)
        session.add(
            MemberWarning(
                member_id=quentin.id,
                issued_by_id=admin.id,
                about="A post",
                message=f"{NAME}, please keep to the topic.",
            )
        )
        session.add(
            Notification(
                member_id=quentin.id,
                kind="reply",
                subject_type="post",
                subject_id=other_reply,
                actor_id=other.id,
            )
        )
        session.add(
            NotificationPreference(member_id=quentin.id, kind="reply", delivery="immediate")
        )
        session.add(DigestSchedule(member_id=quentin.id, frequency="weekly"))
        session.add(
            SentEmail(
                member_id=quentin.id,
                message_id="<m1@testserver>",
                kind="reply",
                subject=f"{NAME}: a reply",
            )
        )
        leeds = organisation_named(session, "Leeds City Council")
        opportunity = Opportunity(
            title="Senior practitioner",
            organisation_id=leeds.id,
            kind=OpportunityKind.PERMANENT,
            location=WorkLocation.HYBRID,
            closing_date=(utcnow() + timedelta(days=30)).date().isoformat(),
            closes_at=utcnow() + timedelta(days=30),
            description="A post.",
            description_html="<p>A post.</p>",
            poster_id=quentin.id,
        )
        session.add(opportunity)
        session.flush()
        session.add(ApplyClick(opportunity_id=opportunity.id, member_id=quentin.id))
        session.add(OpportunityAlert(member_id=quentin.id, practice_area="Fostering"))
        session.add(
            OpportunityPageView(
                opportunity_id=opportunity.id, member_id=quentin.id, day="2026-12-01"
            )
        )
        session.add(
            GuardOverride(
                author_id=quentin.id,
                subject_type="post",
                subject_id=second,
                subject_label="Life story work with teenagers",
                subject_url=f"/discussions/t/{thread_id}",
                reason=GuardReason.CHANGED,
                findings=[{"kind": "name", "text": "Tia", "strong": False}],
            )
        )
        session.add(SearchSynonym(terms=["lac", "looked after child"], created_by_id=quentin.id))
        own_entry = CpdEntry(
            member_id=quentin.id,
            title="Court skills workshop",
            happened_on=utcnow().date(),
            kind=CpdKind.EVENT,
            learning="How to write a clear statement.",
        )
        others_entry = CpdEntry(
            member_id=other.id,
            title="Reading on life story work",
            happened_on=utcnow().date(),
            kind=CpdKind.READING,
        )
        session.add_all([own_entry, others_entry])
        session.flush()
        session.add(
            CpdReflection(
                entry_id=others_entry.id,
                peer_id=quentin.id,
                question="What would you change?",
                note="We used it with our fostering team.",
            )
        )
        session.add(
            CpdDismissal(member_id=quentin.id, item_type=LinkedItem.THREAD, item_id=thread_id)
        )
        session.add(ResourceUse(member_id=quentin.id, resource_id=ids["resource"]))
        session.add(
            Draft(
                member_id=quentin.id,
                kind=DraftKind.REPLY,
                title="Reply to “Life story work with teenagers”",
                fields={"body": "A half-written reply", "thread_id": thread_id},
            )
        )
        session_hash = session.execute(
            select(WebSession.token_hash).where(WebSession.member_id == quentin.id).limit(1)
        ).scalar_one()
        storage = app.state.file_storage
        kept_key = storage.commit(storage.stage(io.BytesIO(b"kept text"), max_bytes=1024))
        session.add(
            StagedUpload(
                member_id=quentin.id,
                session_hash=session_hash,
                storage_key=kept_key,
                original_filename="notes.txt",
                file_type="txt",
                content_type="text/plain",
                size=9,
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
        session.add(
            ResourceFile(
                resource_id=ids["resource"],
                position=9,
                name="old-toolkit.pdf",
                removed_at=utcnow(),
                removed_by_id=quentin.id,
            )
        )
        image_key = storage.commit(
            storage.stage(io.BytesIO(b"\x89PNG\r\n\x1a\n-diagram"), max_bytes=1024)
        )
        session.add(
            PostAttachment(
                post_id=second,
                storage_key=image_key,
                original_filename="ecomap.png",
                file_type="png",
                content_type="image/png",
                size=18,
                alt_text="An ecomap of a family's supports",
                uploaded_by_id=quentin.id,
            )
        )
        session.add(
            DataExport(
                id="export-of-quentin",
                member_id=quentin.id,
                requested_by_id=quentin.id,
                status=ExportStatus.READY,
                ready_at=utcnow(),
                expires_at=utcnow() + timedelta(days=7),
            )
        )
        audit.record(
            session,
            actor=session.get_one(Member, admin.id),
            action="member.suspended",
            subject=member,
            reason=f"Suspended {NAME} for a week",
            before={"email": EMAIL},
        )
    return ids


def test_erasure_leaves_nothing_of_the_member_but_keeps_their_posts(
    app: FastAPI,
    client: TestClient,
    db: Session,
    make: MakeMember,
    browser_of,
    mailbox: SmtpSink,
    engine: SearchEngine,
) -> None:
    ids = arrange_everything(app, db, make, browser_of, mailbox)
    quentin_browser = browser_of(db.get_one(Member, ids["quentin"]))
    assert form(quentin_browser, "/account/close", reason="I am leaving").status_code == 303
    run_worker(app)
    assert search_hits(engine, NAME), "the member is indexed before the erasure"
    assert set(tables_mentioning(db, SECRETS)), "the arrangement holds their data"
    # Something in every table that can refer to a member, but the erasure record (which
    # names the admin who erased, never the erased).
    assert tables_not_holding(db, ids["quentin"]) == {"privacy_erasure"}
    mailbox.clear()

    admin_browser = browser_of(db.get_one(Member, ids["admin"]))
    admin_page = admin_browser.get("/admin/privacy")
    assert NAME in admin_page.text  # the request waits for the admin
    refused = form(admin_browser, f"/admin/privacy/members/{ids['quentin']}/erase")
    assert refused.status_code == 422 and "cannot be undone" in refused.text
    erased = form(
        admin_browser,
        f"/admin/privacy/members/{ids['quentin']}/erase",
        confirm="true",
        resources="organisation",
        reason="Asked to close their account",
    )
    assert erased.status_code == 303, erased.text

    # Their session stops at once.
    assert quentin_browser.get("/account/data").status_code in (302, 303, 401)

    # After the erasure: another reply in their thread and the worker's e-mails.
    add_reply(app, ids["other"], ids["thread"], "One more idea: a timeline on the wall.")
    run_worker(app)

    assert tables_mentioning(db, SECRETS) == []
    for secret in SECRETS:
        assert search_hits(engine, secret) == [], secret
    for message in mailbox.messages:
        raw = message_text(message)
        assert not any(secret.lower() in raw.lower() for secret in SECRETS), message["Subject"]
    promoted = [m for m in mailbox.messages if "Court skills workshop" in message_text(m)]
    other_email = db.get_one(Member, ids["other"]).email
    assert any(m["To"] == other_email for m in promoted), "the waitlisted member moved up"

    see_committed(db)
    assert db.get(Member, ids["quentin"]) is None
    posts = db.execute(select(Post).where(Post.id.in_([ids["opening"], ids["second"]]))).scalars()
    assert {post.author_id for post in posts} == {None}
    thread_page = admin_browser.get(f"/discussions/t/{ids['thread']}")
    if thread_page.status_code in (301, 302, 303, 307, 308):
        thread_page = admin_browser.get(thread_page.headers["location"])
    assert "A former member" in thread_page.text
    assert "memory boxes in our team" in thread_page.text
    booking = db.execute(
        select(Booking).where(Booking.event_id == ids["event"], Booking.member_id == ids["other"])
    ).scalar_one()
    assert booking.status == BookingStatus.BOOKED
    assert not export_path(app.state.settings, "export-of-quentin").exists()
    assert db.get_one(Event, ids["organised"]).organiser_id is None
    resource = db.get_one(Resource, ids["resource"])
    assert resource.owner_id is None and resource.status == ResourceStatus.PUBLISHED
    assert resource.organisation_id == organisation_named(db, "Leeds City Council").id
    erasure = db.execute(select(Erasure)).scalar_one()
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "member.erased")).scalar_one()
    assert entry.subject_name == erasure.pseudonym
    suspended = db.execute(
        select(AuditEntry).where(AuditEntry.action == "member.suspended")
    ).scalar_one()
    assert suspended.subject_name == erasure.pseudonym
    assert suspended.reason == f"Suspended {erasure.pseudonym} for a week"


def test_the_scan_covers_every_text_column_of_the_schema() -> None:
    columns = text_columns()
    assert ("member", "display_name") in columns
    assert ("audit_entry", "before") in columns
    assert ("privacy_closure_request", "reason") in columns
    tables = {table for table, _column in columns}
    assert {
        t.name
        for t in Base.metadata.sorted_tables
        if any(isinstance(c.type, String | Text | JSON) for c in t.columns)
    } == tables


def test_the_export_holds_every_kind(
    app: FastAPI, client: TestClient, db: Session, make: MakeMember, browser_of, mailbox: SmtpSink
) -> None:
    ids = arrange_everything(app, db, make, browser_of, mailbox)
    browser = browser_of(db.get_one(Member, ids["quentin"]))
    response = form(browser, "/account/data/export")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    expected = {
        "profile.json",
        "identities.json",
        "organisations.json",
        "groups.json",
        "threads.json",
        "posts.json",
        "post_revisions.json",
        "reactions.json",
        "follows.json",
        "bookings.json",
        "resources.json",
        "resource_files.json",
        "reports_made.json",
        "warnings_received.json",
        "notifications.json",
        "email_preferences.json",
        "api_tokens.json",
        "sign_in_history.json",
        "audit_entries.json",
    }
    assert expected <= names and "README.txt" in names
    assert set(export_file_names()) <= names
    readme = archive.read("README.txt").decode()
    assert all(name in readme for name in export_file_names())

    def rows(name: str) -> list[dict[str, object]]:
        return json.loads(archive.read(name))

    for name in expected:
        assert rows(name), f"{name} is empty"
    profile = rows("profile.json")[0]
    assert profile["display_name"] == NAME and profile["email"] == EMAIL
    assert profile["visibility"]["bio"] == "members"
    assert rows("identities.json")[0]["subject"] == SUBJECT
    assert {p["body_markdown"] for p in rows("posts.json")} >= {
        "What has worked for you?",
        "Thanks, we tried memory boxes in our team last year.",
    }
    assert rows("post_revisions.json")[0]["body_markdown"] == (
        "Thanks, we tried memory boxes last year."
    )
    assert rows("bookings.json")[0]["status"] == "booked"
    assert rows("api_tokens.json")[0]["name"] == "My script"
    assert "token_hash" not in rows("api_tokens.json")[0]
    files = rows("resource_files.json")
    assert archive.read(files[0]["in_export_as"]).startswith(b"%PDF")
    assert rows("audit_entries.json")[0]["action"] == "member.suspended"
    assert rows("groups.json")[0]["group"] == "Fostering leads"
    assert rows("drafts.json")[0]["fields"]["body"] == "A half-written reply"
    attachment = rows("post_attachments.json")[0]
    assert attachment["alt_text"] == "An ecomap of a family's supports"
    assert archive.read(attachment["in_export_as"]).startswith(b"\x89PNG")
    cpd = {row["record"]: row for row in rows("cpd.json")}
    assert cpd["entry"]["learning"] == "How to write a clear statement."
    assert cpd["reflection you were asked for"]["note"] == "We used it with our fostering team."
    assert cpd["resource downloaded"]["title"] == "Life story work toolkit"
    assert "dismissed suggestion" in cpd


def test_an_admin_exports_on_behalf_of_a_member_and_it_is_audited(
    app: FastAPI, client: TestClient, db: Session, make: MakeMember, browser_of
) -> None:
    admin = make("Ada Admin", is_admin=True)
    member = make("Mo Member")
    other = make("Ola Other")
    admin_browser = browser_of(admin)
    admin_browser.get("/account/data")
    response = form(admin_browser, f"/admin/privacy/members/{member.id}/export")
    assert response.status_code == 200
    assert "profile.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    see_committed(db)
    actions = db.execute(
        select(AuditEntry.action).where(AuditEntry.subject_member_id == member.id)
    ).scalars()
    assert list(actions) == ["member.data_exported"]
    other_browser = browser_of(other)
    other_browser.get("/account/data")
    assert form(other_browser, f"/admin/privacy/members/{member.id}/export").status_code == 404
    api_answer = other_browser.post(
        f"/api/v1/admin/members/{member.id}/exports",
        headers={"X-CSRFToken": csrf_token(other_browser)},
    )
    assert api_answer.status_code == 404


def test_a_large_export_is_built_by_the_worker_and_offered_for_seven_days(
    app: FastAPI, client: TestClient, db: Session, make: MakeMember, browser_of
) -> None:
    member = make("Lara Large")
    thread_id, _opening = add_thread(app, member.id, "Many posts", "The first.")
    for number in range(3):
        add_reply(app, member.id, thread_id, f"Reply number {number}.")
    browser = browser_of(member)
    browser.get("/account/data")
    settings = app.state.settings
    original = settings.export_inline_max_items
    settings.export_inline_max_items = 2
    try:
        queued = browser.post(
            "/api/v1/account/exports",
            headers={"X-CSRFToken": csrf_token(browser)},
        )
    finally:
        settings.export_inline_max_items = original
    assert queued.status_code == 202, queued.text
    assert queued.json()["status"] == "queued"
    run_worker(app)
    listed = browser.get("/api/v1/account/exports").json()
    assert listed[0]["status"] == "ready"
    ready_at = listed[0]["ready_at"]
    assert listed[0]["expires_at"] > ready_at
    download = browser.get(listed[0]["download_url"])
    assert download.status_code == 200
    posts = json.loads(zipfile.ZipFile(io.BytesIO(download.content)).read("posts.json"))
    assert len(posts) == 4
    page = browser.get("/account/data")
    assert f"/account/data/exports/{listed[0]['id']}" in page.text
    stranger = browser_of(make("Sam Stranger"))
    assert stranger.get(f"/account/data/exports/{listed[0]['id']}").status_code == 404


def add_posts(app: FastAPI, member_id: str, thread_id: str, first: int, count: int) -> None:
    with transaction(app.state.session_factory) as session:
        session.execute(
            insert(Post),
            [
                {
                    "id": f"00000000-0000-0000-0000-{number:012d}",
                    "thread_id": thread_id,
                    "number": number + 2,
                    "author_id": member_id,
                    "body_markdown": LONG_BODY,
                    "body_html": f"<p>{LONG_BODY}</p>",
                    "created_at": utcnow(),
                    "edit_count": 0,
                }
                for number in range(first, first + count)
            ],
        )


LONG_BODY = "A reply that is long enough to matter in a measurement of memory. " * 8


def export_peak(app: FastAPI, member_id: str) -> tuple[int, int, int]:
    """(peak traced memory, archive bytes, chunks) of one export."""
    total, chunks = 0, 0
    with transaction(app.state.session_factory) as session:
        tracemalloc.start()
        for chunk in export_chunks(session, app.state.file_storage, member_id, when=utcnow()):
            total += len(chunk)
            chunks += 1
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak, total, chunks


def test_the_export_of_ten_thousand_posts_streams_in_flat_memory(
    app: FastAPI, client: TestClient, db: Session, make: MakeMember
) -> None:
    """Memory does not grow with the export: five times the posts, about the same peak."""
    member = make("Paula Prolific")
    thread_id, _opening = add_thread(app, member.id, "A long thread", "The first post.")
    add_posts(app, member.id, thread_id, 0, 2_000)
    export_peak(app, member.id)  # warm-up: compiled statements, imports
    small_peak, small_size, _chunks = export_peak(app, member.id)
    add_posts(app, member.id, thread_id, 2_000, 8_000)
    peak, size, chunks = export_peak(app, member.id)
    posts_json_size = 10_000 * len(LONG_BODY)
    assert size > small_size and chunks > 20, "the archive comes out in pieces"
    assert peak < small_peak * 1.5, (small_peak, peak)
    assert peak < posts_json_size / 2, (peak, posts_json_size)


def test_retention_deletes_what_is_past_its_time_and_keeps_the_rest(
    app: FastAPI, client: TestClient, db: Session, make: MakeMember, browser_of
) -> None:
    member = make("Rita Retained")
    admin = make("Ada Admin", is_admin=True)
    settings = app.state.settings
    now = utcnow()
    long_ago = now - timedelta(days=settings.retention_audit_days + 1)
    recently = now - timedelta(days=1)
    with transaction(app.state.session_factory) as session:
        for label, when in (("old", long_ago), ("new", recently)):
            session.add(
                WebSession(
                    token_hash=(label * 64)[:64],
                    member_id=member.id,
                    provider_name="leeds",
                    created_at=when,
                    last_seen_at=when,
                    expires_at=when + timedelta(hours=12),
                )
            )
            session.add(
                Notification(
                    member_id=member.id,
                    kind="reply",
                    subject_type="post",
                    subject_id=label,
                    read_at=when,
                    created_at=when,
                )
            )
            session.add(
                SentEmail(
                    member_id=member.id,
                    message_id=f"<{label}@testserver>",
                    kind="reply",
                    subject="A reply",
                    sent_at=when,
                )
            )
            session.add(
                OutboxMessage(topic="search.sync", payload={}, created_at=when, processed_at=when)
            )
            session.add(
                AuditEntry(
                    created_at=when,
                    actor_name="Ada Admin",
                    action=f"test.{label}",
                    subject_name="someone",
                )
            )
            session.add(
                Draft(
                    member_id=member.id,
                    kind=DraftKind.THREAD,
                    title=f"A {label} draft",
                    fields={"title": label},
                    updated_at=when,
                )
            )
            session.add(
                DataExport(
                    id=f"export-{label}",
                    member_id=member.id,
                    status=ExportStatus.READY,
                    ready_at=when,
                    expires_at=when + timedelta(days=settings.export_days),
                )
            )
        session.add(
            Notification(
                member_id=member.id,
                kind="reply",
                subject_type="post",
                subject_id="unread",
                created_at=long_ago,
            )
        )
        session.add(OutboxMessage(topic="search.sync", payload={}, created_at=long_ago))
    for label in ("old", "new"):
        path = export_path(settings, f"export-{label}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"PK")

    with transaction(app.state.session_factory) as session:
        deleted = run_retention(session, settings, now)
    assert deleted == {
        "sessions": 1,
        "read_notifications": 1,
        "sent_emails": 1,
        "outbox": 1,
        "audit": 1,
        "exports": 1,
        "drafts": 1,
    }
    see_committed(db)
    assert db.execute(select(WebSession.token_hash)).scalars().all() == ["new" * 21 + "n"]
    assert sorted(db.execute(select(Notification.subject_id)).scalars()) == ["new", "unread"]
    assert db.execute(select(SentEmail.message_id)).scalars().all() == ["<new@testserver>"]
    processed = db.execute(
        select(OutboxMessage.processed_at).where(OutboxMessage.processed_at.is_not(None))
    ).scalars()
    assert list(processed) == [recently]
    unprocessed = select(func.count()).where(OutboxMessage.processed_at.is_(None))
    assert db.execute(unprocessed).scalar_one() == 1
    assert "test.old" not in db.execute(select(AuditEntry.action)).scalars().all()
    assert "test.new" in db.execute(select(AuditEntry.action)).scalars().all()
    assert db.execute(select(DataExport.id)).scalars().all() == ["export-new"]
    assert db.execute(select(Draft.title)).scalars().all() == ["A new draft"]
    assert not export_path(settings, "export-old").exists()
    assert export_path(settings, "export-new").exists()
    runs = {run.rule: run.deleted for run in db.execute(select(RetentionRun)).scalars()}
    assert runs == deleted

    page = browser_of(admin).get("/admin/privacy")
    assert page.status_code == 200
    for rule in RULES:
        assert rule.label in page.text
        row = page.text.split(f'id="rule-{rule.name}"')[1].split("</tr>")[0]
        assert f">{deleted[rule.name]}</td>" in row


def test_the_worker_runs_retention_once_a_day(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    from app.worker import worker_tasks

    tasks = worker_tasks(app.state.session_factory, app.state.settings)
    for job in tasks.periodic:
        job()
    see_committed(db)
    first = {run.rule: run.ran_at for run in db.execute(select(RetentionRun)).scalars()}
    assert set(first) == {rule.name for rule in RULES}
    for job in tasks.periodic:
        job()
    see_committed(db)
    db.expire_all()
    again = {run.rule: run.ran_at for run in db.execute(select(RetentionRun)).scalars()}
    assert again == first


def test_the_privacy_page_is_public_and_written_from_the_settings(
    app: FastAPI, client: TestClient
) -> None:
    page = client.get("/privacy")
    assert page.status_code == 200
    settings = app.state.settings
    assert f"{settings.retention_audit_days} days" in page.text
    assert f"{settings.retention_session_days} days" in page.text
    assert session_cookie_name(settings) in page.text and "portal_signin" in page.text
    assert "analytics" in page.text
    home = client.get("/", follow_redirects=True)
    assert 'href="/privacy"' in home.text


def test_closing_an_account_is_asked_once_and_can_be_withdrawn(
    app: FastAPI, client: TestClient, db: Session, make: MakeMember, browser_of
) -> None:
    member = make("Cleo Closing")
    admin = make("Ada Admin", is_admin=True)
    browser = browser_of(member)
    browser.get("/account/data")
    assert form(browser, "/account/close", reason="Leaving").status_code == 303
    again = form(browser, "/account/close", reason="Leaving")
    assert again.status_code == 409 and "already asked" in again.text
    assert 'id="closure-pending"' in browser.get("/account/data").text
    assert form(browser, "/account/close/withdraw").status_code == 303
    assert 'id="closure-pending"' not in browser.get("/account/data").text
    too_long = form(browser, "/account/close", reason="x" * 2001)
    assert too_long.status_code == 422

    assert form(browser, "/account/close", reason="Leaving").status_code == 303
    admin_browser = browser_of(admin)
    admin_browser.get("/admin/privacy")
    unexplained = form(admin_browser, f"/admin/privacy/closures/{member.id}/decline", reason=" ")
    assert unexplained.status_code == 422 and "Say why" in unexplained.text
    declined = form(
        admin_browser, f"/admin/privacy/closures/{member.id}/decline", reason="Still a trustee"
    )
    assert declined.status_code == 303
    assert 'id="closure-pending"' not in browser.get("/account/data").text
    assert "member.closure_declined" in audit_actions(db)
    assert browser.get("/admin/privacy").status_code == 404


def test_erasure_by_api_can_remove_content_and_hide_resources(
    app: FastAPI, client: TestClient, db: Session, make: MakeMember, browser_of
) -> None:
    admin = make("Ada Admin", is_admin=True)
    member = make("Rory Removed")
    thread_id, opening = add_thread(app, member.id, "Alone here", "Nobody replied.")
    from tests.support.portal import add_resource

    resource_id = add_resource(app, member.id, "A guide to remove")
    admin_browser = browser_of(admin)
    admin_browser.get("/account/data")
    token = csrf_token(admin_browser)
    bad = admin_browser.post(
        f"/api/v1/admin/members/{member.id}/erasure",
        json={"resources": "burn"},
        headers={"X-CSRFToken": token},
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    done = admin_browser.post(
        f"/api/v1/admin/members/{member.id}/erasure",
        json={"remove_content": True, "resources": "hide"},
        headers={"X-CSRFToken": token},
    )
    assert done.status_code == 200, done.text
    assert done.json()["pseudonym"].startswith("former-member-")
    self_erase = admin_browser.post(
        f"/api/v1/admin/members/{admin.id}/erasure", json={}, headers={"X-CSRFToken": token}
    )
    assert self_erase.status_code == 403
    see_committed(db)
    post = db.get_one(Post, opening)
    assert post.deleted_at is not None and post.body_markdown == ""
    assert db.get_one(Thread, thread_id).deleted_at is not None
    assert db.execute(select(func.count()).select_from(PostRevision)).scalar_one() == 0
    assert db.get_one(Resource, resource_id).status == ResourceStatus.HIDDEN
    assert db.execute(select(func.count()).select_from(Reaction)).scalar_one() == 0
    assert {part.domain for part in PERSONAL_DATA} >= {"members", "discussions", "audit"}


def test_erasure_finds_an_accented_name_in_audit_entries_not_linked_to_the_member(
    app: FastAPI, client: TestClient, db: Session, make: MakeMember, browser_of
) -> None:
    admin = make("Ada Admin", is_admin=True)
    name = "Siobhán Ó Briain"
    member = make(name)
    with transaction(app.state.session_factory) as session:
        audit.record(
            session,
            actor=session.get_one(Member, admin.id),
            action="member.invited",
            subject=None,
            subject_label=name,
            after={"invited": name},
        )
    admin_browser = browser_of(admin)
    admin_browser.get("/account/data")
    done = admin_browser.post(
        f"/api/v1/admin/members/{member.id}/erasure",
        json={},
        headers={"X-CSRFToken": csrf_token(admin_browser)},
    )
    assert done.status_code == 200, done.text
    pseudonym = done.json()["pseudonym"]
    assert tables_mentioning(db, (name, json.dumps(name)[1:-1])) == []
    invited = db.execute(
        select(AuditEntry).where(AuditEntry.action == "member.invited")
    ).scalar_one()
    assert invited.subject_name == pseudonym and invited.after == {"invited": pseudonym}
