"""Work that grows with the number of people or posts stays out of the request: a request
that tells many members records one fact, and removing a spam account hides its posts in
bulk, so each runs the same number of SQL statements for a few as for hundreds; the worker
then tells each member with set-based statements."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.db import transaction, utcnow
from app.discussions.models import Post, Thread
from app.events.models import Booking, BookingStatus
from app.members.models import Member, MemberStatus
from app.notifications.models import Notification
from app.outbox.service import drain_once
from app.worker import registered_handlers
from tests.support.database import see_committed
from tests.support.portal import (
    MakeMember,
    add_event,
    add_reply,
    add_thread,
    api,
    report,
    run_worker,
)
from tests.support.statements import counted_statements


def booked_members(app: FastAPI, event_id: str, count: int) -> list[str]:
    """``count`` active members, each booked onto the event (arranged in bulk)."""
    with transaction(app.state.session_factory) as session:
        ids = list(
            session.execute(
                insert(Member).returning(Member.id),
                [
                    {
                        "display_name": f"Booker {n}",
                        "email": f"booker{n}-{event_id[:8]}@example.org",
                        "status": MemberStatus.ACTIVE,
                    }
                    for n in range(count)
                ],
            ).scalars()
        )
        session.execute(
            insert(Booking),
            [
                {
                    "event_id": event_id,
                    "member_id": member_id,
                    "status": BookingStatus.BOOKED,
                    "booked_at": utcnow(),
                }
                for member_id in ids
            ],
        )
    return ids


def cancel_statements(app: FastAPI, make: MakeMember, browser_of, bookers: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Statements run by the organiser's request, and by the worker telling the bookers
    (e-mail delivery left out: it is one message per member by nature)."""
    organiser = make(f"Orla Organiser {bookers}")
    event_id = add_event(app, organiser.id, f"Court skills {bookers}", starts_in=timedelta(days=3))
    booked_members(app, event_id, bookers)
    browser = browser_of(organiser)
    api(browser, "GET", f"/api/v1/events/{event_id}")  # warm the session's first-seen writes
    with counted_statements(app) as statements:
        response = api(
            browser, "POST", f"/api/v1/events/{event_id}/cancel", {"reason": "Speaker unwell"}
        )
    assert response.status_code == 200, response.text
    handlers = registered_handlers(app.state.session_factory, app.state.settings)
    with counted_statements(app) as worker_statements:
        drain_once(
            app.state.session_factory,
            {"notifications.announce": handlers["notifications.announce"]},
        )
    return len(statements), len(worker_statements)


def test_cancelling_an_event_costs_the_same_for_2_or_200_bookers(
    app: FastAPI,
    db: Session,
    make: MakeMember,
    browser_of,  # type: ignore[no-untyped-def]
) -> None:
    few = cancel_statements(app, make, browser_of, 2)
    many = cancel_statements(app, make, browser_of, 200)
    assert many == few, (few, many)  # (request, worker)

    run_worker(app)
    see_committed(db)
    told = db.execute(
        select(func.count()).select_from(Notification).where(Notification.kind == "event_cancelled")
    ).scalar_one()
    assert told == 202


def replies_by(app: FastAPI, author_id: str, thread_id: str, count: int) -> None:
    """``count`` replies by the author in someone else's thread (arranged in bulk)."""
    with transaction(app.state.session_factory) as session:
        now = utcnow()
        session.execute(
            insert(Post),
            [
                {
                    "thread_id": thread_id,
                    "number": 2 + n,
                    "author_id": author_id,
                    "body_markdown": f"Cheap watches, offer {n}",
                    "body_html": f"<p>Cheap watches, offer {n}</p>",
                    "created_at": now,
                }
                for n in range(count)
            ],
        )
        session.execute(
            update(Thread)
            .where(Thread.id == thread_id)
            .values(last_post_number=1 + count, reply_count=count)
        )


def spam_removal_statements(
    app: FastAPI,
    make: MakeMember,
    browser_of,
    posts: int,  # type: ignore[no-untyped-def]
) -> int:
    spammer, reader = make(f"Spam Account {posts}"), make(f"Rita Reader {posts}")
    admin = make(f"Amara Admin {posts}", is_admin=True)
    add_thread(app, spammer.id, f"Cheap watches {posts}", "Buy watches.")
    other_thread, _ = add_thread(app, reader.id, f"Genuine question {posts}", "Supervision?")
    replies_by(app, spammer.id, other_thread, posts)
    first_reply = add_reply(app, spammer.id, other_thread, "And more watches")
    report_id = report(browser_of(reader), "post", first_reply, "spam").json()["id"]
    amara = browser_of(admin)
    api(amara, "GET", "/api/v1/me")  # warm the session's first-seen writes
    with counted_statements(app) as statements:
        removed = api(
            amara,
            "POST",
            f"/api/v1/moderation/reports/{report_id}/remove-spam-account",
            {"reason": "Spam account."},
        )
    assert removed.status_code == 200, removed.text
    assert removed.json()["posts"] == posts + 1 and removed.json()["threads"] == 1
    return len(statements)


def test_removing_a_spam_account_costs_the_same_for_5_or_500_posts(
    app: FastAPI,
    db: Session,
    make: MakeMember,
    browser_of,  # type: ignore[no-untyped-def]
) -> None:
    few = spam_removal_statements(app, make, browser_of, 5)
    many = spam_removal_statements(app, make, browser_of, 500)
    assert many == few, (few, many)

    see_committed(db)
    hidden = db.execute(
        select(func.count()).select_from(Post).where(Post.hidden_reason == "Spam account.")
    ).scalar_one()
    assert hidden == 507
    hidden_entries = db.execute(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "post_hidden")
    ).scalar_one()
    assert hidden_entries == 507  # one audit entry per post, as when hidden one by one
