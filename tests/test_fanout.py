"""Fan-out belongs to the worker: a request that tells many members records one fact, so
it runs the same number of SQL statements for two members as for two hundred; the worker
then tells each of them, with set-based statements."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.db import transaction, utcnow
from app.events.models import Booking, BookingStatus
from app.members.models import Member, MemberStatus
from app.notifications.models import Notification
from app.outbox.service import drain_once
from app.worker import registered_handlers
from tests.support.database import see_committed
from tests.support.portal import MakeMember, add_event, api, run_worker
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
