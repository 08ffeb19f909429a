"""Replies in one thread merge into one unread notification per member ("12 new replies"),
counted up by one set-based UPDATE in the worker (app/notifications/fanout.py), and so into
one item of one digest e-mail. Once read (or e-mailed), the next reply starts a new one."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.members.models import Member
from app.notifications.delivery import queue_due_digests
from app.notifications.models import EmailState, Notification
from tests.support.database import see_committed
from tests.support.portal import MakeMember, add_reply, add_thread, run_worker, tell_now
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


def test_fifty_replies_leave_the_author_one_unread_notification(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    author = make("Aisha Author")
    repliers = [make(f"Rory Replier {number}") for number in range(5)]
    thread_id, _ = add_thread(app, author.id, "Pre-birth assessments", "What works for you?")
    first = add_reply(app, repliers[0].id, thread_id, "Reply 0: start early.")
    for number in range(1, 50):
        add_reply(app, repliers[number % 5].id, thread_id, f"Reply {number}: agreed.")
        if number % 10 == 0:
            tell_now(app)  # the worker takes them in several batches
    tell_now(app)

    (merged,) = notifications_of(db, author)
    assert (merged.kind, merged.merged_count, merged.read_at) == ("reply", 50, None)
    assert merged.subject_id == first  # opening it starts at the first new reply
    assert merged.actor_id == repliers[49 % 5].id

    browser = browser_of(author)
    home = browser.get("/").text
    assert re.search(r'Notifications <strong class="portal-count">1</strong>', home)
    page = browser.get("/notifications").text
    assert "50 new replies in “Pre-birth assessments”, the latest from Rory Replier 4" in page

    # a follower who replied hears of the others' replies, merged too, never of their own
    (theirs,) = notifications_of(db, repliers[0])
    assert theirs.merged_count == 40


def test_after_reading_the_next_reply_is_a_new_notification(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    author, replier = make("Nia Nextone"), make("Ray Later")
    thread_id, _ = add_thread(app, author.id, "Court skeletons", "Any templates?")
    add_reply(app, replier.id, thread_id, "One here.")
    add_reply(app, replier.id, thread_id, "And another.")
    tell_now(app)
    (first,) = notifications_of(db, author)
    browser = browser_of(author)
    assert browser.get(f"/notifications/{first.id}").status_code == 303  # opened: read

    later = add_reply(app, replier.id, thread_id, "A third, after you looked.")
    tell_now(app)

    old, new = notifications_of(db, author)
    assert (old.merged_count, old.read_at is not None) == (2, True)
    assert (new.merged_count, new.subject_id, new.read_at) == (1, later, None)


def test_merged_replies_are_one_item_of_one_digest(
    app: FastAPI, db: Session, make: MakeMember, mailbox: SmtpSink
) -> None:
    author, replier = make("Dora Digest"), make("Reece Replier")
    thread_id, _ = add_thread(app, author.id, "Life story work", "Books you use?")
    for number in range(12):
        add_reply(app, replier.id, thread_id, f"Suggestion {number}.")
        if number == 5:
            run_worker(app)
    run_worker(app)

    queue_due_digests(app.state.session_factory, now=utcnow() + timedelta(days=8))
    run_worker(app)

    (digest,) = mailbox.to(author.email or "")
    assert digest["Subject"] == "Your daily digest from the partnership portal: 1 update"
    body = str(digest.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]
    assert body.count("12 new replies in “Life story work”, the latest from Reece Replier") == 1
    (merged,) = notifications_of(db, author)
    assert (merged.merged_count, merged.email_state) == (12, EmailState.SENT)
