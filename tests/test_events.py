"""Events: booking never overbooks, the waitlist promotes, calendars are right, and the
joining link reaches booked members only."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import LONDON, transaction, utcnow
from app.errors import InvalidAction
from app.events import service
from app.events.models import Booking, BookingStatus, Event
from app.members.models import Member
from app.notifications.models import Notification
from app.outbox.models import OutboxMessage
from tests.support.database import apply_changes, count_rows, see_committed
from tests.support.factories import make_member
from tests.support.flows import csrf_token
from tests.support.portal import run_worker
from tests.support.sessions import sign_in_as_member

NEXT_MONTH = (utcnow() + timedelta(days=30)).astimezone(LONDON).date()
JOIN = "https://meet.example.org/secret-room-42"


def event_body(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "Reflective supervision workshop",
        "description": "Bring a **recent case** (anonymised).",
        "type": "webinar",
        "start_date": NEXT_MONTH.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "online": True,
        "joining_link": JOIN,
        "capacity": 2,
        "cpd_hours": 2,
    }
    body.update(changes)
    return body


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


def create(browser: TestClient, **changes: object) -> str:
    response = api(browser, "POST", "/api/v1/events", event_body(**changes))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_booking_waitlist_and_promotion(person: Person, db: Session, app: FastAPI) -> None:
    organiser, _ = person("Olu Organiser")
    event_id = create(organiser)
    (ann, ann_member), (bob, _), (cat, cat_member) = person("Ann"), person("Bob"), person("Cat")
    assert api(ann, "POST", f"/api/v1/events/{event_id}/booking").json()["status"] == "booked"
    assert api(bob, "POST", f"/api/v1/events/{event_id}/booking").json()["status"] == "booked"
    assert api(cat, "POST", f"/api/v1/events/{event_id}/booking").json()["status"] == "waitlisted"
    again = api(ann, "POST", f"/api/v1/events/{event_id}/booking")
    assert again.status_code == 409 and "already booked" in again.json()["detail"]
    page = cat.get(f"/events/{event_id}").text
    assert "You are on the waitlist" in page and "0 of 2 left; 1 on the waitlist" in page

    cancelled = api(ann, "DELETE", f"/api/v1/events/{event_id}/booking").json()
    assert cancelled == {"event_id": event_id, "status": "cancelled", "promoted": cat_member.id}
    assert api(cat, "GET", f"/api/v1/events/{event_id}").json()["my_booking"] == "booked"
    run_worker(app)  # the promotion is announced; the worker tells Cat
    see_committed(db)
    topics = [
        m.topic for m in db.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
    ]
    assert topics.count("events.reminder") == 3
    promoted = db.execute(
        select(Notification).where(Notification.kind == "waitlist_promoted")
    ).scalar_one()
    assert promoted.member_id == cat_member.id and promoted.subject_id == event_id
    assert promoted.email_state == "sent"  # the urgent kinds go by e-mail at once
    assert topics.count("notifications.email") == 1
    # the waitlisted member leaves; a booked member can always cancel, full or not
    assert api(cat, "DELETE", f"/api/v1/events/{event_id}/booking").json()["promoted"] is None
    assert api(ann, "DELETE", f"/api/v1/events/{event_id}/booking").status_code == 409
    assert ann_member.id  # still a member, just not booked


def test_reminder_is_queued_for_before_the_start(person: Person, db: Session) -> None:
    organiser, _ = person("Olu Organiser")
    event_id = create(organiser)
    ann, _ = person("Ann")
    api(ann, "POST", f"/api/v1/events/{event_id}/booking")
    see_committed(db)
    reminder = db.execute(
        select(OutboxMessage).where(OutboxMessage.topic == "events.reminder")
    ).scalar_one()
    event = db.get_one(Event, event_id)
    assert reminder.available_at == event.starts_at - timedelta(hours=24)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_time": "09:00"}, "must end after it starts"),
        ({"start_date": "2020-01-01"}, "must start in the future"),
        ({"online": False}, "needs its venue"),
        ({"joining_link": "javascript:alert(1)"}, "starting with https://"),
        ({"capacity": 0}, "greater than or equal to 1"),
        ({"title": ""}, "at least 1 character"),
    ],
)
def test_bad_event_input_is_refused(
    person: Person, db: Session, changes: dict[str, object], message: str
) -> None:
    organiser, _ = person("Olu Organiser")
    response = api(organiser, "POST", "/api/v1/events", event_body(**changes))
    assert response.status_code == 422
    assert message in str(response.json()), response.json()
    assert count_rows(db, Event) == 0


def test_capacity_below_bookings_is_refused(person: Person, db: Session) -> None:
    organiser, _ = person("Olu Organiser")
    event_id = create(organiser, capacity=3)
    for name in ("Ann", "Bob"):
        browser, _ = person(name)
        api(browser, "POST", f"/api/v1/events/{event_id}/booking")
    refused = api(organiser, "PUT", f"/api/v1/events/{event_id}", event_body(capacity=1))
    assert refused.status_code == 422
    assert "2 places are already booked" in str(refused.json())
    see_committed(db)
    assert db.get_one(Event, event_id).capacity == 3 and db.get_one(Event, event_id).sequence == 0


def test_booking_refusals(person: Person, db: Session) -> None:
    organiser, _ = person("Olu Organiser")
    past, cancelled, closed = create(organiser), create(organiser), create(organiser)
    apply_changes(
        db,
        update(Event)
        .where(Event.id == past)
        .values(starts_at=utcnow() - timedelta(hours=2), ends_at=utcnow() - timedelta(hours=1)),
        update(Event)
        .where(Event.id == closed)
        .values(booking_deadline=utcnow() - timedelta(minutes=1)),
    )
    assert (
        api(organiser, "POST", f"/api/v1/events/{cancelled}/cancel", {"reason": "Snow"}).status_code
        == 200
    )
    member, _ = person("Ann")
    for event_id, message in [
        (past, "already started"),
        (cancelled, "cancelled"),
        (closed, "deadline"),
    ]:
        response = api(member, "POST", f"/api/v1/events/{event_id}/booking")
        assert response.status_code == 409 and message in response.json()["detail"]
    see_committed(db)
    assert db.execute(select(Booking)).first() is None


def test_changes_and_cancellation_tell_everyone_booked(
    person: Person, db: Session, app: FastAPI
) -> None:
    organiser, _ = person("Olu Organiser")
    event_id = create(organiser, capacity=None)
    for name in ("Ann", "Bob"):
        browser, _ = person(name)
        api(browser, "POST", f"/api/v1/events/{event_id}/booking")
    api(organiser, "PUT", f"/api/v1/events/{event_id}", event_body(capacity=None, title="Renamed"))
    api(
        organiser,
        "PUT",
        f"/api/v1/events/{event_id}",
        event_body(capacity=None, start_time="11:00"),
    )
    run_worker(app)  # queues the moved event's reminders again, for everyone booked
    api(organiser, "POST", f"/api/v1/events/{event_id}/cancel", {"reason": "Speaker unwell"})
    run_worker(app)  # each change is one announcement; the worker tells everyone booked
    see_committed(db)
    kinds = [n.kind for n in db.execute(select(Notification)).scalars()]
    assert kinds.count("event_changed") == 2  # the time change only, one per booked member
    assert kinds.count("event_cancelled") == 2
    assert kinds.count("booking_changed") == 2  # each booking confirmed to its member
    reminders = [
        m for m in db.execute(select(OutboxMessage)).scalars() if m.topic == "events.reminder"
    ]
    assert len(reminders) == 4  # one per booking, and again for the new start time
    assert db.get_one(Event, event_id).sequence == 3


def test_organiser_sees_attendees_and_marks_attendance(person: Person, db: Session) -> None:
    organiser, _ = person("Olu Organiser")
    event_id = create(organiser, capacity=1)
    ann, ann_member = person("Siobhán O'Súilleabháin")
    bob, _ = person("=Bob")
    api(ann, "POST", f"/api/v1/events/{event_id}/booking")
    api(bob, "POST", f"/api/v1/events/{event_id}/booking")
    assert ann.get(f"/events/{event_id}/attendees").status_code == 403
    listing = api(organiser, "GET", f"/api/v1/events/{event_id}/attendees").json()
    assert [(a["name"], a["status"]) for a in listing] == [
        ("Siobhán O'Súilleabháin", "booked"),
        ("=Bob", "waitlisted"),
    ]
    exported = organiser.get(f"/events/{event_id}/attendees.csv")
    text = exported.content.decode("utf-8-sig")
    assert "Siobhán O'Súilleabháin" in text and "'=Bob" in text
    too_early = api(
        organiser,
        "PUT",
        f"/api/v1/events/{event_id}/attendance",
        {"attended_member_ids": [ann_member.id]},
    )
    assert too_early.status_code == 409
    apply_changes(
        db,
        update(Event).where(Event.id == event_id).values(starts_at=utcnow() - timedelta(hours=1)),
    )
    assert (
        api(
            organiser,
            "PUT",
            f"/api/v1/events/{event_id}/attendance",
            {"attended_member_ids": [ann_member.id]},
        ).status_code
        == 204
    )
    see_committed(db)
    assert db.execute(
        select(Booking.attended).where(Booking.member_id == ann_member.id)
    ).scalar_one()


# --- the joining link -----------------------------------------------------------------------


def test_joining_link_reaches_booked_members_only(
    app: FastAPI, person: Person, db: Session
) -> None:
    organiser, _ = person("Olu Organiser")
    event_id = create(organiser, capacity=5)
    booked, _ = person("Booked Betty")
    outsider, _ = person("Outside Owen")
    api(booked, "POST", f"/api/v1/events/{event_id}/booking")

    def channels(browser: TestClient) -> dict[str, str]:
        feed = api(browser, "POST", "/api/v1/events/feed").json()["url"]
        return {
            "page": browser.get(f"/events/{event_id}").text,
            "list page": browser.get("/events").text,
            "api": browser.get(f"/api/v1/events/{event_id}").text,
            "api list": browser.get("/api/v1/events").text,
            "calendar": browser.get(f"/events/{event_id}/calendar.ics").text,
            "feed": TestClient(app).get(feed.removeprefix("http://testserver")).text,
        }

    for channel, body in channels(outsider).items():
        assert JOIN not in body.replace("\r\n ", ""), channel
    booked_view = channels(booked)
    for channel in ("page", "api", "calendar", "feed"):
        assert JOIN in booked_view[channel].replace("\r\n ", ""), channel


# --- calendars -------------------------------------------------------------------------------


def last_sunday_of_october(year: int) -> date:
    day = date(year, 10, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def test_ics_parses_and_keeps_local_time_across_the_clock_change(person: Person) -> None:
    organiser, _ = person("Olu Organiser")
    sunday = last_sunday_of_october(NEXT_MONTH.year + 1)
    event_id = create(
        organiser, start_date=sunday.isoformat(), start_time="10:00", end_time="16:00"
    )
    first = Calendar.from_ical(organiser.get(f"/events/{event_id}/calendar.ics").content)
    [component] = first.walk("VEVENT")
    start = component.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (10, 0, "Europe/London")
    assert start.utcoffset() == timedelta(0)  # GMT after the change, still 10:00 local
    assert component.decoded("dtend").hour == 16
    assert first.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    assert int(component["sequence"]) == 0 and component["status"] == "CONFIRMED"
    uid = str(component["uid"])

    api(
        organiser,
        "PUT",
        f"/api/v1/events/{event_id}",
        event_body(start_date=sunday.isoformat(), start_time="11:00", end_time="16:00"),
    )
    api(organiser, "POST", f"/api/v1/events/{event_id}/cancel", {"reason": "Venue closed"})
    last = Calendar.from_ical(organiser.get(f"/events/{event_id}/calendar.ics").content)
    [changed] = last.walk("VEVENT")
    assert str(changed["uid"]) == uid
    assert int(changed["sequence"]) == 2 and changed["status"] == "CANCELLED"
    assert changed.decoded("dtstart").hour == 11


def test_summer_event_is_in_bst(person: Person) -> None:
    organiser, _ = person("Olu Organiser")
    event_id = create(organiser, start_date=f"{NEXT_MONTH.year + 1}-07-15")
    start = (
        Calendar.from_ical(organiser.get(f"/events/{event_id}/calendar.ics").content)
        .walk("VEVENT")[0]
        .decoded("dtstart")
    )
    assert start.hour == 10 and start.utcoffset() == timedelta(hours=1)


def test_feed_token_is_revocable_and_secret(app: FastAPI, person: Person) -> None:
    organiser, _ = person("Olu Organiser")
    event_id = create(organiser)
    member, _ = person("Ann")
    api(member, "POST", f"/api/v1/events/{event_id}/booking")
    first = (
        api(member, "POST", "/api/v1/events/feed").json()["url"].removeprefix("http://testserver")
    )
    anonymous = TestClient(app, follow_redirects=False)
    feed = anonymous.get(first)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "Reflective supervision workshop" in feed.text
    second = (
        api(member, "POST", "/api/v1/events/feed").json()["url"].removeprefix("http://testserver")
    )
    assert anonymous.get(first).status_code == 404  # replaced
    assert anonymous.get(second).status_code == 200
    assert api(member, "DELETE", "/api/v1/events/feed").status_code == 204
    assert anonymous.get(second).status_code == 404
    assert anonymous.get("/calendar/wrong-token.ics").status_code == 404
    assert api(member, "DELETE", "/api/v1/events/feed").status_code == 409


# --- concurrency --------------------------------------------------------------------------


def test_concurrent_bookings_never_overbook(
    app: FastAPI, client: TestClient, db: Session, oidc_primary_url: str
) -> None:
    """100 members book 20 places at once, each in its own transaction and thread."""
    organiser = make_member(db, name="Olu Organiser", issuer=oidc_primary_url)
    members = [make_member(db, name=f"Member {n}", issuer=oidc_primary_url) for n in range(100)]
    with transaction(app.state.session_factory) as session:
        from app.events.schemas import EventData

        event = service.create_event(
            session,
            actor=session.get_one(Member, organiser.id),
            data=EventData.model_validate(event_body(capacity=20)),
        )
        event_id = event.id
    errors: list[BaseException] = []
    start = threading.Barrier(100)

    def book(member_id: str) -> None:
        try:
            start.wait()
            with transaction(app.state.session_factory) as session:
                service.book(
                    session,
                    actor=session.get_one(Member, member_id),
                    event_id=event_id,
                    reminder_hours=24,
                )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=book, args=(m.id,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    see_committed(db)
    statuses = list(
        db.execute(select(Booking.status).where(Booking.event_id == event_id)).scalars()
    )
    assert statuses.count(BookingStatus.BOOKED) == 20
    assert statuses.count(BookingStatus.WAITLISTED) == 80

    first_booked = db.execute(
        select(Booking.member_id)
        .where(Booking.event_id == event_id, Booking.status == BookingStatus.BOOKED)
        .limit(1)
    ).scalar_one()
    with transaction(app.state.session_factory) as session:
        result = service.cancel_booking(
            session,
            actor=session.get_one(Member, first_booked),
            event_id=event_id,
            reminder_hours=24,
        )
    assert len(result.promoted) == 1
    see_committed(db)
    statuses = list(
        db.execute(select(Booking.status).where(Booking.event_id == event_id)).scalars()
    )
    assert (
        statuses.count(BookingStatus.BOOKED) == 20
        and statuses.count(BookingStatus.WAITLISTED) == 79
    )
    with pytest.raises(InvalidAction), transaction(app.state.session_factory) as session:
        service.book(
            session,
            actor=session.get_one(Member, first_booked),
            event_id=event_id,
            reminder_hours=24,
        )
        service.book(
            session,
            actor=session.get_one(Member, first_booked),
            event_id=event_id,
            reminder_hours=24,
        )


def test_html_booking_flow_and_lists(person: Person) -> None:
    organiser, _ = person("Olu Organiser")
    event_id = create(organiser, capacity=1)
    ann, _ = person("Ann")
    token = csrf_token(ann)
    booked = ann.post(f"/events/{event_id}/book", data={"csrftoken": token})
    assert booked.status_code == 303
    assert "You are booked" in ann.get(booked.headers["location"]).text
    mine = ann.get("/events?when=mine").text
    assert "Reflective supervision workshop" in mine and "Booked" in mine
    bob, _ = person("Bob")
    bob.post(f"/events/{event_id}/book", data={"csrftoken": csrf_token(bob)})
    assert "you are on the waitlist" in bob.get(f"/events/{event_id}").text.lower()
    assert "Full" in bob.get("/events").text
    assert ann.get("/events?when=past").status_code == 200
    assert ann.get("/events/new").status_code == 200
    form = ann.post(
        "/events",
        data={"csrftoken": token, "title": "", "type": "workshop", "start_date": "2020-01-01"},
    )
    assert form.status_code == 422 and "There is a problem" in form.text
    every = ann.post(
        "/events",
        data={
            "csrftoken": token,
            "title": "",
            "description": "",
            "type": "workshop",
            "start_date": "not a date",
            "capacity": "lots",
        },
    )
    assert every.status_code == 422
    for plain in (
        "Enter the title",
        "Enter the description",
        "Enter the start date as a real date",
        "Number of places must be a whole number",
    ):
        assert plain in every.text
    assert "Input should" not in every.text
