"""Notifications and e-mail, against the real database, Meilisearch, OpenID provider and
SMTP servers (aiosmtpd): who is told what, the unread count, marking read, preferences,
immediate e-mails and digests built with access re-checked, unsubscribe links without
sign-in, and an SMTP outage that delays mail without losing or doubling any."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.db import transaction, utcnow
from app.devstack import RunningService, free_port, start_mail_sink
from app.discussions import service as discussions
from app.discussions.models import Post, Thread
from app.discussions.schemas import ThreadCreate
from app.groups import service as groups
from app.groups.models import GroupMembership, GroupRole, JoinRequest
from app.members import models as members_models
from app.members.models import Member, MemberStatus
from app.notifications.delivery import notification_tasks, queue_due_digests
from app.notifications.kinds import NotificationKind
from app.notifications.mail import OutgoingEmail, smtp_mailer
from app.notifications.models import (
    DigestSchedule,
    EmailState,
    Notification,
    NotificationPreference,
)
from app.notifications.service import next_digest_time, notify
from app.outbox.models import OutboxMessage
from app.outbox.service import MAX_ATTEMPTS, drain_once
from app.search.engine import SearchEngine
from tests.support.database import apply_changes, count_rows, see_committed
from tests.support.flows import csrf_token, sign_in
from tests.support.portal import (
    MakeMember,
    add_event,
    add_reply,
    add_thread,
    api,
    form,
    report,
    run_worker,
    search_urls,
    tell_now,
)
from tests.support.smtp import SmtpSink


def notifications_of(db: Session, member: Member) -> list[Notification]:
    see_committed(db)
    return list(
        db.execute(
            select(Notification)
            .where(Notification.member_id == member.id)
            .order_by(Notification.id)
        ).scalars()
    )


def handle_of(db: Session, member: Member) -> str:
    see_committed(db)
    handle = db.get_one(Member, member.id).handle
    assert handle
    return handle


def text_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def unsubscribe_path(message: EmailMessage) -> str:
    header = str(message["List-Unsubscribe"])
    match = re.fullmatch(r"<http://testserver(/unsubscribe/[^>]+)>", header)
    assert match, header
    return match.group(1)


def send_digests_now(app: FastAPI) -> None:
    """Every waiting digest is due: the clock is moved, not the schedule."""
    queue_due_digests(app.state.session_factory, now=utcnow() + timedelta(days=8))
    run_worker(app)


def group_with_thread(
    app: FastAPI, owner_id: str, member_ids: list[str], title: str, body: str
) -> tuple[str, str, str]:
    """A private group with members, and a thread in its own category: (slug, group id,
    thread id)."""
    with transaction(app.state.session_factory) as session:
        owner = session.get_one(Member, owner_id)
        group = groups.create_group(
            session, actor=owner, name=f"{title} group", description="Closed.", kind="private"
        )
        for member_id in member_ids:
            session.add(
                GroupMembership(group_id=group.id, member_id=member_id, role=GroupRole.MEMBER)
            )
        session.flush()
        assert group.category_id
        thread = discussions.start_thread(
            session,
            actor=owner,
            data=ThreadCreate(category_id=group.category_id, title=title, body=body),
        )
        return group.slug, group.id, thread.id


# --- in the portal ----------------------------------------------------------------------------


def test_replies_in_followed_threads_reach_followers_with_an_unread_count(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    asker, helper, third = make("Asha Asker"), make("Hal Helper"), make("Tess Third")
    thread_id, _ = add_thread(app, asker.id, "Planning a section 47 visit", "How do you plan?")
    first = add_reply(app, helper.id, thread_id, "I start with the chronology.")
    add_reply(app, third.id, thread_id, "Agree, and ask the school first.")
    tell_now(app)

    # the asker follows (started it) and hears of both, merged into one notification for
    # the thread; the first helper hears of the third
    (merged,) = notifications_of(db, asker)
    assert (merged.kind, merged.merged_count, merged.subject_id) == ("reply", 2, first)
    assert merged.actor_id == third.id  # the latest replier
    assert [n.kind for n in notifications_of(db, helper)] == ["reply"]
    assert notifications_of(db, third) == []  # nobody is told about their own post

    asha = browser_of(asker)
    home = asha.get("/").text
    assert re.search(r'Notifications <strong class="portal-count">1</strong>', home)
    page = asha.get("/notifications")
    assert page.status_code == 200
    assert "2 new replies in “Planning a section 47 visit”, the latest from Tess Third" in page.text
    assert "I start with the chronology." in page.text  # the first new reply's excerpt

    listed = api(asha, "GET", "/api/v1/notifications?unread=true").json()
    assert listed["unread"] == 1 and len(listed["notifications"]) == 1
    newest = listed["notifications"][0]
    assert newest["url"] == f"/discussions/p/{first}"  # where to start reading

    opened = asha.get(f"/notifications/{newest['id']}")
    assert opened.status_code == 303 and opened.headers["location"] == f"/discussions/p/{first}"
    assert api(asha, "GET", "/api/v1/notifications").json()["unread"] == 0

    # someone else's notification does not exist for her
    other = notifications_of(db, helper)[0]
    assert api(asha, "POST", f"/api/v1/notifications/{other.id}/read").status_code == 404
    assert form(asha, f"/notifications/{other.id}/read").status_code == 404

    back = asha.post(
        "/notifications/read-all",
        data={"csrftoken": csrf_token(asha)},
        headers={"Referer": "http://testserver//evil.example/notifications"},
    )
    assert back.status_code == 303 and back.headers["location"] == "/notifications"
    assert form(asha, "/notifications/read-all").status_code == 303
    assert all(n.read_at is not None for n in notifications_of(db, asker))
    assert notifications_of(db, helper)[0].read_at is None
    assert "portal-count" not in asha.get("/").text
    assert form(asha, f"/notifications/{newest['id']}/read", unread="true").status_code == 303
    assert api(asha, "GET", "/api/v1/notifications").json()["unread"] == 1


def test_a_mention_reaches_only_members_who_can_see_the_thread(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    owner, insider, outsider = make("Olive Owner"), make("Ian Insider"), make("Otto Outsider")
    insider_handle, outsider_handle = handle_of(db, insider), handle_of(db, outsider)
    assert insider_handle == "ian.insider"
    _slug, _group_id, thread_id = group_with_thread(
        app, owner.id, [insider.id], "Closed case review", "For the group only."
    )
    olive = browser_of(owner)
    reply = api(
        olive,
        "POST",
        f"/api/v1/discussions/threads/{thread_id}/posts",
        {"body": f"@{insider_handle} and @{outsider_handle}, what do you think?"},
    )
    assert reply.status_code == 201, reply.text
    tell_now(app)

    assert [n.kind for n in notifications_of(db, insider)] == ["mention"]
    assert notifications_of(db, outsider) == []  # cannot see the thread: told nothing
    # the mention links to the profile
    page = olive.get(f"/discussions/t/{thread_id}").text
    assert f'<a href="/members/handle/{insider_handle}" rel="nofollow noopener">' in page
    opened = olive.get(f"/members/handle/{insider_handle}")
    assert opened.status_code == 303 and opened.headers["location"] == f"/members/{insider.id}"
    assert olive.get("/members/handle/nobody.here").status_code == 404
    otto = browser_of(outsider)
    assert api(otto, "GET", "/api/v1/notifications").json()["total"] == 0

    # a mention inside code is not a mention; an e-mail address is not a mention
    again = api(
        olive,
        "POST",
        f"/api/v1/discussions/threads/{thread_id}/posts",
        {
            "body": f"Write `@{insider_handle}` or mail ian@{insider_handle}.example to reach him.",
            "post_anyway": True,
            "guard_reason": "not_identifying",
        },
    )
    assert again.status_code == 201, again.text
    assert [n.kind for n in notifications_of(db, insider)] == ["mention"]


def test_mentioning_someone_who_does_not_exist_saves_nothing(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    author = make("Ada Author")
    thread_id, _ = add_thread(app, author.id, "Supervision notes", "Opening.")
    ada = browser_of(author)
    see_committed(db)
    posts_before = count_rows(db, Post)

    refused = api(
        ada,
        "POST",
        f"/api/v1/discussions/threads/{thread_id}/posts",
        {"body": "Thanks @nobody.here for this."},
    )
    assert refused.status_code == 422
    assert "No member is called @nobody.here" in refused.text
    page = form(ada, f"/discussions/t/{thread_id}/reply", body="Thanks @nobody.here for this.")
    assert page.status_code == 422
    assert "No member is called @nobody.here" in page.text
    see_committed(db)
    assert count_rows(db, Post) == posts_before
    assert count_rows(db, Notification) == 0


def test_accepted_answers_and_batched_reactions(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    asker, answerer = make("Quin Asker"), make("Ana Answerer")
    fans = [make("Fan One"), make("Fan Two"), make("Fan Three")]
    thread_id, _ = add_thread(app, asker.id, "Which assessment tool?", "For neglect?")
    apply_changes(db, update(Thread).where(Thread.id == thread_id).values(is_question=True))
    thread = {"id": thread_id}
    answer = add_reply(app, answerer.id, thread["id"], "The Graded Care Profile 2.")
    accepted = api(
        browser_of(asker),
        "PUT",
        f"/api/v1/discussions/threads/{thread['id']}/accepted-answer",
        {"post_id": answer},
    )
    assert accepted.status_code == 200, accepted.text
    for fan in fans:
        reacted = api(
            browser_of(fan),
            "POST",
            f"/api/v1/discussions/posts/{answer}/reactions",
            {"kind": "helpful"},
        )
        assert reacted.status_code == 204

    # taking a reaction back and giving it again does not count twice
    fan_one = browser_of(fans[0])
    taken_back = api(fan_one, "DELETE", f"/api/v1/discussions/posts/{answer}/reactions/helpful")
    assert taken_back.status_code == 204
    again = api(
        fan_one, "POST", f"/api/v1/discussions/posts/{answer}/reactions", {"kind": "helpful"}
    )
    assert again.status_code == 204
    tell_now(app)
    kinds = [(n.kind, len(n.detail.get("actors", [1]))) for n in notifications_of(db, answerer)]
    assert kinds == [("answer_accepted", 1), ("reaction", 3)]  # three reactions, one entry
    texts = [
        n["text"]
        for n in api(browser_of(answerer), "GET", "/api/v1/notifications").json()["notifications"]
    ]
    assert (
        "3 reactions to your post in “Which assessment tool?”, most recently from Fan Three"
        in texts
    )
    assert "Quin Asker accepted your reply as the answer to “Which assessment tool?”" in texts


def test_group_invitations_and_decisions(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    owner, invitee, applicant = make("Gwen Owner"), make("Ivy Invitee"), make("Abe Applicant")
    gwen = browser_of(owner)
    created = api(
        gwen,
        "POST",
        "/api/v1/groups",
        {"name": "Regional PSW group", "description": "PSWs.", "kind": "private"},
    )
    slug = created.json()["slug"]
    assert (
        api(
            gwen, "POST", f"/api/v1/groups/{slug}/invitations", {"member_id": invitee.id}
        ).status_code
        == 201
    )
    asked = api(browser_of(applicant), "POST", f"/api/v1/groups/{slug}/join", {"message": "Hi"})
    assert asked.status_code == 200, asked.text
    see_committed(db)
    request_id = db.execute(
        select(JoinRequest.id).where(JoinRequest.member_id == applicant.id)
    ).scalar_one()
    decided = api(
        gwen,
        "POST",
        f"/api/v1/groups/{slug}/requests/{request_id}",
        {"approve": False, "message": "Managers only"},
    )
    assert decided.status_code == 200, decided.text
    run_worker(app)

    ivy = api(browser_of(invitee), "GET", "/api/v1/notifications").json()["notifications"]
    assert [n["text"] for n in ivy] == [
        "Gwen Owner invited you to join the group Regional PSW group"
    ]
    abe = api(browser_of(applicant), "GET", "/api/v1/notifications").json()["notifications"]
    assert [n["text"] for n in abe] == [
        "Your request to join the group Regional PSW group was refused: Managers only"
    ]


# --- e-mail -----------------------------------------------------------------------------------


def test_membership_decision_is_emailed_at_once_with_text_html_and_unsubscribe(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, mailbox: SmtpSink
) -> None:
    admin = make("Ada Admin", is_admin=True)
    applicant = make("Pat Pending", status=MemberStatus.PENDING)
    approved = api(browser_of(admin), "POST", f"/api/v1/admin/members/{applicant.id}/approve", {})
    assert approved.status_code == 200, approved.text
    assert mailbox.to(applicant.email or "") == []  # sent by the worker, not the request
    run_worker(app)

    (message,) = mailbox.to(applicant.email or "")
    assert message["Subject"] == "Your membership of the portal is approved: welcome"
    assert message["From"] == "Partnership portal <portal@testserver>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.is_multipart()
    assert "Hello Pat Pending" in text_part(message)
    assert '<html lang="en">' in html_part(message)
    path = unsubscribe_path(message)
    assert path in text_part(message) and path in html_part(message)
    (raw,) = mailbox.raw
    assert f"\r\nList-Unsubscribe: <http://testserver{path}>\r\n".encode() in raw
    see_committed(db)
    (notification,) = notifications_of(db, applicant)
    assert notification.email_state == EmailState.SENT and notification.emailed_at is not None


def test_unsubscribe_link_works_without_signing_in_and_only_for_its_member_and_kind(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, mailbox: SmtpSink
) -> None:
    admin = make("Ada Admin", is_admin=True)
    first = make("Pat Pending", status=MemberStatus.PENDING)
    second = make("Sam Pending", status=MemberStatus.PENDING)
    ada = browser_of(admin)
    for member in (first, second):
        api(ada, "POST", f"/api/v1/admin/members/{member.id}/approve", {})
    run_worker(app)
    (to_first,) = mailbox.to(first.email or "")
    path = unsubscribe_path(to_first)

    with TestClient(app, base_url="http://testserver", follow_redirects=False) as stranger:
        # tampered: the first character of the signature changed (the last one carries
        # padding bits, so changing it may not change the signature at all)
        token = path.rsplit("/", 1)[1]
        payload, signature = token.rsplit(".", 1)
        tampered = f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
        refused = stranger.post(f"/unsubscribe/{tampered}")
        assert refused.status_code == 400 and "not valid" in refused.text
        assert stranger.get("/unsubscribe/not-a-token").status_code == 400
        see_committed(db)
        assert count_rows(db, NotificationPreference) == 0

        page = stranger.get(path)
        assert page.status_code == 200
        assert "Stop e-mails about decisions about my membership of the portal?" in page.text
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as mail_client:
        # RFC 8058: the mail client posts this body, with no cookies and no form token
        done = mail_client.post(
            path,
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert done.status_code == 200 and "E-mails stopped" in done.text

    see_committed(db)
    rows = list(db.execute(select(NotificationPreference)).scalars())
    assert [(r.member_id, r.kind, r.delivery) for r in rows] == [
        (first.id, "membership_decision", "off")
    ]
    settings = api(browser_of(first), "GET", "/api/v1/notifications/preferences").json()
    assert settings["deliveries"]["membership_decision"] == "off"
    assert settings["deliveries"]["event_cancelled"] == "immediate"  # other kinds untouched
    other = api(browser_of(second), "GET", "/api/v1/notifications/preferences").json()
    assert other["deliveries"]["membership_decision"] == "immediate"


def test_smtp_outage_delays_mail_and_each_arrives_exactly_once(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    outage = SmtpSink()  # its own server, so that stopping it affects only this test
    settings = app.state.settings.model_copy(update={"smtp_port": outage.port})
    factory = app.state.session_factory
    handlers = notification_tasks(factory, settings).handlers
    members = [make(f"Mona Member{i}") for i in range(3)]
    with transaction(factory) as session:
        for member in members:
            notify(
                session,
                member_id=member.id,
                kind=NotificationKind.MEMBERSHIP_DECISION,
                subject_type="member",
                subject_id=member.id,
                detail={"decision": "reinstated"},
            )

    def due_now() -> None:
        apply_changes(db, update(OutboxMessage).values(available_at=utcnow()))

    # SMTP is down: nothing is sent, nothing is lost, however often the worker tries
    for _attempt in range(MAX_ATTEMPTS + 2):
        due_now()
        assert drain_once(factory, handlers) == 0
    see_committed(db)
    waiting = list(db.execute(select(OutboxMessage)).scalars())
    assert len(waiting) == 3
    assert all(m.processed_at is None and m.failed_at is None for m in waiting)
    assert all((m.last_error or "").startswith("waiting: SMTP server") for m in waiting)
    assert all(
        n.email_state == EmailState.IMMEDIATE for m in members for n in notifications_of(db, m)
    )
    ada = browser_of(make("Ada Admin", is_admin=True))
    admin_page = ada.get("/admin/email").text
    assert "3 e-mails waiting since" in admin_page and "waiting: SMTP server" in admin_page
    assert browser_of(members[0]).get("/admin/email").status_code == 404

    outage.start()
    try:
        due_now()
        assert drain_once(factory, handlers) == 3
        # the same notifications queued again (a redelivered row) send nothing more
        with transaction(factory) as session:
            for notification in session.execute(select(Notification)).scalars():
                session.add(
                    OutboxMessage(
                        topic="notifications.email", payload={"notification_id": notification.id}
                    )
                )
        assert drain_once(factory, handlers) == 3
        assert drain_once(factory, handlers) == 0
        assert sorted(str(m["To"]) for m in outage.messages) == sorted(
            str(m.email) for m in members
        )
        assert len({str(m["Message-ID"]) for m in outage.messages}) == 3
        admin_page = ada.get("/admin/email").text
        assert "e-mails waiting" not in admin_page
        assert admin_page.count("Your account on the portal is active again") == 3
    finally:
        outage.stop()


def test_immediate_and_off_preferences_decide_email_not_the_notification(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, mailbox: SmtpSink
) -> None:
    asker, replier = make("Ezra Eager"), make("Rae Replier")
    ezra = browser_of(asker)
    page = ezra.get("/notifications/settings")
    assert page.status_code == 200 and "Replies in threads I follow" in page.text

    bad = form(ezra, "/notifications/settings", reply="loudly", digest_frequency="hourly")
    assert bad.status_code == 422
    assert "Choose how to hear about replies in threads I follow" in bad.text
    assert "Choose daily, weekly or no digest." in bad.text
    bad_api = api(ezra, "PUT", "/api/v1/notifications/preferences", {"reply": "loudly"})
    assert bad_api.status_code == 422 and bad_api.headers["content-type"].startswith(
        "application/problem+json"
    )
    see_committed(db)
    assert count_rows(db, NotificationPreference) == 0

    saved = form(ezra, "/notifications/settings", reply="immediate", digest_frequency="weekly")
    assert saved.status_code == 303
    thread_id, _ = add_thread(app, asker.id, "Direct work with teenagers", "Ideas?")
    add_reply(app, replier.id, thread_id, "Walk and talk sessions.")
    run_worker(app)
    (message,) = mailbox.to(asker.email or "")
    assert message["Subject"] == "Rae Replier replied in “Direct work with teenagers”"
    assert "Walk and talk sessions." in text_part(message)

    assert (
        api(ezra, "PUT", "/api/v1/notifications/preferences", {"reply": "off"}).status_code == 200
    )
    add_reply(app, replier.id, thread_id, "Also use life story books.")
    run_worker(app)
    send_digests_now(app)
    assert len(mailbox.to(asker.email or "")) == 1  # no e-mail...
    assert len(notifications_of(db, asker)) == 2  # ...but still told in the portal
    see_committed(db)
    assert db.get_one(DigestSchedule, asker.id).frequency == "weekly"


def test_report_then_hide_leaves_search_and_the_next_digest(
    app: FastAPI,
    db: Session,
    make: MakeMember,
    browser_of: Any,
    mailbox: SmtpSink,
    engine: SearchEngine,
) -> None:
    reader, writer = make("Dee Digest"), make("Will Writer")
    moderator = make("Mo Derator", is_moderator=True)
    thread_id, _ = add_thread(app, reader.id, "Family group conferences", "How do you run them?")
    kept = add_reply(app, writer.id, thread_id, "We hold them in the family's community centre.")
    reported = add_reply(app, writer.id, thread_id, "Ask about the zebrafinch family next door.")
    run_worker(app)
    dee = browser_of(reader)
    assert search_urls(dee, "zebrafinch") == [f"/discussions/p/{reported}"]

    assert report(dee, "post", reported, reason="identifying").status_code == 201
    mo = browser_of(moderator)
    report_id = api(mo, "GET", "/api/v1/moderation/reports").json()["reports"][0]["id"]
    hidden = api(
        mo, "POST", f"/api/v1/moderation/reports/{report_id}/hide", {"reason": "Names a family."}
    )
    assert hidden.status_code == 200, hidden.text
    run_worker(app)
    assert search_urls(dee, "zebrafinch") == []

    send_digests_now(app)
    (digest,) = mailbox.to(reader.email or "")
    body = text_part(digest) + html_part(digest)
    assert digest["Subject"] == "Your daily digest from the partnership portal: 1 update"
    assert f"/discussions/p/{kept}" in body and "community centre" in body
    assert "zebrafinch" not in body and f"/discussions/p/{reported}" not in body
    see_committed(db)
    # both replies are one notification (merged per thread), named by the first of them
    states = {n.subject_id: n.email_state for n in notifications_of(db, reader)}
    assert states == {kept: EmailState.SENT}
    # the digest went once: the same digest job delivered again sends nothing
    with transaction(app.state.session_factory) as session:
        session.add(
            OutboxMessage(
                topic="notifications.digest",
                payload={"member_id": reader.id, "until": utcnow().isoformat()},
            )
        )
    run_worker(app)
    send_digests_now(app)
    assert len(mailbox.to(reader.email or "")) == 1


def test_a_removed_group_members_digest_holds_nothing_from_that_group(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, mailbox: SmtpSink
) -> None:
    owner, leaver, colleague = make("Orla Owner"), make("Len Leaver"), make("Cal Colleague")
    slug, _group_id, group_thread = group_with_thread(
        app, owner.id, [leaver.id, colleague.id], "Step-down panel", "Cases for the panel."
    )
    public_thread, _ = add_thread(app, owner.id, "Open question on CP plans", "Anyone?")
    for thread_id in (group_thread, public_thread):
        add_reply(app, leaver.id, thread_id, "Following this.")
    add_reply(app, colleague.id, group_thread, "Quokka case goes to panel on Tuesday.")
    add_reply(app, colleague.id, public_thread, "We review plans every six weeks.")
    tell_now(app)
    assert [n.kind for n in notifications_of(db, leaver)] == ["reply", "reply"]

    removed = api(browser_of(owner), "DELETE", f"/api/v1/groups/{slug}/members/{leaver.id}")
    assert removed.status_code == 204
    send_digests_now(app)

    (digest,) = mailbox.to(leaver.email or "")
    body = text_part(digest) + html_part(digest)
    assert "six weeks" in body and "Open question on CP plans" in body
    assert "Quokka" not in body and "Step-down panel" not in body
    len_ = browser_of(leaver)
    # the header no longer counts what happened in the group
    assert re.search(r'portal-count">1<', len_.get("/").text)
    listed = api(len_, "GET", "/api/v1/notifications").json()
    assert [n["text"] for n in listed["notifications"]] == [
        "Cal Colleague replied in “Open question on CP plans”"
    ]
    assert listed["unread"] == 1


def test_event_reminder_is_told_once_and_emailed(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, mailbox: SmtpSink
) -> None:
    organiser, attendee = make("Ola Organiser"), make("Ann Attendee")
    event_id = add_event(
        app, organiser.id, "Signs of Safety refresher", starts_in=timedelta(hours=3)
    )
    booked = api(browser_of(attendee), "POST", f"/api/v1/events/{event_id}/booking")
    assert booked.json()["status"] == "booked"
    with transaction(app.state.session_factory) as session:  # the same reminder, queued twice
        session.add(
            OutboxMessage(
                topic="events.reminder", payload={"event_id": event_id, "member_id": attendee.id}
            )
        )
    run_worker(app)
    kinds = sorted(n.kind for n in notifications_of(db, attendee))
    assert kinds == ["booking_changed", "event_reminder"]  # the reminder once
    (message,) = mailbox.to(attendee.email or "")
    assert message["Subject"].startswith("Reminder: “Signs of Safety refresher” starts ")


def test_digest_times_are_seven_in_the_morning_london_time() -> None:
    from datetime import UTC, datetime

    from app.notifications.kinds import DigestFrequency

    summer_evening = datetime(2026, 7, 1, 20, 0, tzinfo=UTC)  # a Wednesday
    assert next_digest_time(DigestFrequency.DAILY, summer_evening) == datetime(
        2026, 7, 2, 6, 0, tzinfo=UTC
    )
    assert next_digest_time(DigestFrequency.WEEKLY, summer_evening) == datetime(
        2026, 7, 6, 6, 0, tzinfo=UTC
    )
    winter_dawn = datetime(2026, 12, 7, 6, 59, tzinfo=UTC)  # a Monday, before 07:00 GMT
    assert next_digest_time(DigestFrequency.WEEKLY, winter_dawn) == datetime(
        2026, 12, 7, 7, 0, tzinfo=UTC
    )


def test_the_development_mail_sink_keeps_each_message_as_a_file(
    app: FastAPI, tmp_path: Path
) -> None:
    """What `make run` starts: the portal's own mailer, into aiosmtpd's Maildir."""
    port = free_port()
    sink = start_mail_sink(port=port, mail_dir=tmp_path / "mail", log_dir=tmp_path)
    try:
        settings = app.state.settings.model_copy(update={"smtp_port": port})
        with smtp_mailer(settings) as mailer:
            mailer.send(
                OutgoingEmail(
                    to="reader@leeds.gov.uk",
                    subject="A test message",
                    text="Plain words.",
                    html="<p>Plain words.</p>",
                    message_id="<sink-test@testserver>",
                    unsubscribe_url="http://testserver/unsubscribe/x",
                    member_id="m",
                    kind="reply",
                )
            )
    finally:
        sink.stop()
    (stored,) = (tmp_path / "mail" / "new").iterdir()
    assert b"Subject: A test message" in stored.read_bytes()


def test_hiding_a_post_before_the_worker_runs_stops_its_email(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, mailbox: SmtpSink
) -> None:
    """Hidden content leaves any unsent e-mail at once: the e-mail is built when it goes."""
    reader, writer = make("Imm Ediate"), make("Wyn Writer")
    moderator = make("Mo Derator", is_moderator=True)
    imm = browser_of(reader)
    assert (
        api(imm, "PUT", "/api/v1/notifications/preferences", {"reply": "immediate"}).status_code
        == 200
    )
    thread_id, _ = add_thread(app, reader.id, "Contact arrangements", "How often?")
    post_id = add_reply(app, writer.id, thread_id, "The family see dad every Friday.")
    tell_now(app)  # told at once; the e-mail is still to go
    hidden = api(
        browser_of(moderator),
        "POST",
        f"/api/v1/discussions/posts/{post_id}/hide",
        {"reason": "Identifies a family."},
    )
    assert hidden.status_code == 200, hidden.text
    run_worker(app)
    assert mailbox.to(reader.email or "") == []
    (notification,) = notifications_of(db, reader)
    assert notification.email_state == EmailState.DROPPED
    assert api(imm, "GET", "/api/v1/notifications").json()["notifications"] == []


def test_an_invitation_to_a_secret_group_opens_its_page_until_answered(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    owner, invitee, outsider = make("Sia Owner"), make("Ina Invitee"), make("Out Sider")
    sia = browser_of(owner)
    slug = api(
        sia,
        "POST",
        "/api/v1/groups",
        {"name": "Quiet PSW circle", "description": "Closed work.", "kind": "secret"},
    ).json()["slug"]
    ina, out = browser_of(invitee), browser_of(outsider)
    assert ina.get(f"/groups/{slug}").status_code == 404
    invited = api(sia, "POST", f"/api/v1/groups/{slug}/invitations", {"member_id": invitee.id})
    assert invited.status_code == 201
    run_worker(app)

    (told,) = api(ina, "GET", "/api/v1/notifications").json()["notifications"]
    assert told["text"] == "Sia Owner invited you to join the group Quiet PSW circle"
    page = ina.get(told["url"])
    assert page.status_code == 200 and "Quiet PSW circle" in page.text
    assert slug in ina.get("/api/v1/groups").text
    assert out.get(f"/groups/{slug}").status_code == 404  # still secret for everyone else
    assert slug not in out.get("/api/v1/groups").text

    declined = api(ina, "POST", f"/api/v1/groups/{slug}/invitation", {"accept": False})
    assert declined.status_code == 200, declined.text
    assert ina.get(f"/groups/{slug}").status_code == 404
    assert api(ina, "GET", "/api/v1/notifications").json()["notifications"] == []


def test_a_reason_with_line_breaks_is_one_subject_line_and_nothing_else_waits(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, mailbox: SmtpSink
) -> None:
    organiser, attendee = make("Ola Organiser"), make("Ann Attendee")
    admin, applicant = (
        make("Ada Admin", is_admin=True),
        make("Pat Pending", status=MemberStatus.PENDING),
    )
    event_id = add_event(app, organiser.id, "Court skills", starts_in=timedelta(days=5))
    api(browser_of(attendee), "POST", f"/api/v1/events/{event_id}/booking")
    cancelled = api(
        browser_of(organiser),
        "POST",
        f"/api/v1/events/{event_id}/cancel",
        {"reason": "Trainer is ill.\nWe will rebook."},
    )
    assert cancelled.status_code == 200, cancelled.text
    api(browser_of(admin), "POST", f"/api/v1/admin/members/{applicant.id}/approve", {})
    run_worker(app)

    (to_attendee,) = mailbox.to(attendee.email or "")
    assert "\n" not in str(to_attendee["Subject"])
    assert str(to_attendee["Subject"]).endswith("is cancelled")  # the reason is in the body
    assert "Reason: Trainer is ill." in text_part(to_attendee)
    assert len(mailbox.to(applicant.email or "")) == 1
    see_committed(db)
    waiting = select(OutboxMessage).where(
        OutboxMessage.topic == "notifications.email", OutboxMessage.processed_at.is_(None)
    )
    assert db.execute(waiting).first() is None


def test_an_unsubscribe_link_for_a_deleted_account_says_so(
    app: FastAPI, db: Session, make: MakeMember
) -> None:
    from app.notifications.mail import unsubscribe_token

    gone = make("Gone Member")
    token = unsubscribe_token(app.state.settings, member_id=gone.id, kind="reply")
    apply_changes(db, delete(Member).where(Member.id == gone.id))
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as stranger:
        assert stranger.get(f"/unsubscribe/{token}").status_code == 404
        assert stranger.post(f"/unsubscribe/{token}").status_code == 404
    assert count_rows(db, NotificationPreference) == 0


def test_following_a_category_tells_of_new_threads_in_it(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    follower, author = make("Fay Follower"), make("Abe Author")
    first_thread, _ = add_thread(app, author.id, "Warm-up thread", "Seeds the categories.")
    see_committed(db)
    category_id = db.get_one(Thread, first_thread).category_id
    with transaction(app.state.session_factory) as session:
        discussions.follow_category(
            session,
            actor=session.get_one(Member, follower.id),
            category_id=category_id,
            follow=True,
        )
    add_thread(app, author.id, "Life story work with under-fives", "What works?")
    tell_now(app)
    texts = [
        n["text"]
        for n in api(browser_of(follower), "GET", "/api/v1/notifications").json()["notifications"]
    ]
    assert texts == ["Abe Author started “Life story work with under-fives”"]


def test_the_notification_list_costs_the_same_statements_for_few_or_many(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    from tests.test_discussions_queries import counted_statements

    reader = make("Nia Numbers")
    writers = [make(f"Writer {i}") for i in range(5)]
    thread_id, _ = add_thread(app, reader.id, "Counting statements", "Opening.")
    nia = browser_of(reader)

    def statements_for_page() -> int:
        nia.get("/notifications")  # warm: marks nothing, loads nothing new next time
        with counted_statements(app) as statements:
            assert nia.get("/notifications").status_code == 200
        return len(statements)

    add_reply(app, writers[0].id, thread_id, "One reply.")
    tell_now(app)
    few = statements_for_page()
    for index in range(30):  # one thread each: replies in one thread merge into one
        other_thread, _ = add_thread(app, reader.id, f"Counting {index}", "Opening.")
        add_reply(app, writers[index % 5].id, other_thread, f"Reply {index}.")
    tell_now(app)
    many = statements_for_page()
    assert api(nia, "GET", "/api/v1/notifications").json()["total"] == 31
    assert few == many


def test_a_handle_taken_by_a_simultaneous_sign_in_is_chosen_again(
    app: FastAPI,
    db: Session,
    make: MakeMember,
    oidc_primary: RunningService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two first sign-ins of the same name at the same moment (PostgreSQL runs them side by
    side) would pick the same handle. Simulated: the first choice ignores the handle the
    other sign-in just took, as a read made a moment before its commit would."""
    make("Jane Smith")
    real_choice = members_models.choose_handle
    choices: list[str] = []

    def stale_then_real(display_name: str, is_taken: Callable[[str], bool]) -> str:
        choices.append(display_name)
        return "jane.smith" if len(choices) == 1 else real_choice(display_name, is_taken)

    monkeypatch.setattr(members_models, "choose_handle", stale_then_real)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as browser:
        landed = sign_in(
            browser,
            provider_url=oidc_primary.url,
            subject="jane-smith-two",
            claims={"name": "Jane Smith", "email": "jane.two@leeds.gov.uk"},
        )
        assert landed.status_code == 303, landed.text
    see_committed(db)
    handles = sorted(db.execute(select(Member.handle)).scalars())
    assert handles == ["jane.smith", "jane.smith2"] and len(choices) == 2


def test_e_mail_settings_offer_only_the_kinds_that_can_reach_the_member(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    """Applications waiting go to admins and guard notices to moderators (of the portal or of
    a group): nobody else is asked how they want mail they will never get."""
    practitioner, admin = make("Pat Practitioner"), make("Ada Admin", is_admin=True)
    group_owner = make("Gwen Groupowner")
    group_with_thread(app, group_owner.id, [practitioner.id], "PSW network", "Agenda?")
    applications, guard = "Applications waiting for approval", "Items saved anyway"

    def offered(member: Member) -> tuple[str, set[str]]:
        browser = browser_of(member)
        page = browser.get("/notifications/settings")
        assert page.status_code == 200 and "Replies in threads I follow" in page.text
        listed = api(browser, "GET", "/api/v1/notifications/preferences").json()["deliveries"]
        return page.text, set(listed)

    page, kinds = offered(practitioner)
    assert applications not in page and guard not in page
    assert {"application_waiting", "guard_notice"}.isdisjoint(kinds) and "reply" in kinds
    page, kinds = offered(group_owner)
    assert guard in page and applications not in page
    assert "guard_notice" in kinds and "application_waiting" not in kinds
    page, kinds = offered(admin)
    assert applications in page and guard in page
    assert {"application_waiting", "guard_notice"} <= kinds

    refused = api(
        browser_of(practitioner),
        "PUT",
        "/api/v1/notifications/preferences",
        {"application_waiting": "immediate", "reply": "off"},
    )
    assert refused.status_code == 422
    assert "not sent this kind" in refused.text
    see_committed(db)
    assert count_rows(db, NotificationPreference) == 0
