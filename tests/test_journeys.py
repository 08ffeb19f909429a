"""Issue 14's promises, through the real portal: an applicant's admins are told, a warned
member is told and finds the warning, leaving a waitlist says so, a personal address is
sent to a work account, and e-mails say what they mean (one full stop, a short subject,
a calendar file for a booking)."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from app.db import transaction, utcnow
from app.demo import seed_demo
from app.discussions.models import Category, CategoryFollow, Post, Thread
from app.discussions.seed import seed_discussions
from app.events.models import Booking, BookingStatus, Event, EventStatus, EventType
from app.groups.models import Group, GroupMembership, GroupRole
from app.members.models import Member, MemberStatus, Organisation
from app.notifications.delivery import queue_due_digests
from app.notifications.kinds import Delivery, NotificationKind
from app.notifications.models import DigestSchedule, Notification, NotificationPreference
from app.resources.models import Resource, ResourceStatus
from app.security.sessions import SESSION_COOKIE
from app.topics.models import Topic
from tests.support.database import see_committed
from tests.support.flows import (
    authorize_at_provider,
    csrf_token,
    follow_callback,
    set_provider_claims,
)
from tests.support.flows import start_login as start
from tests.support.portal import (
    MakeMember,
    add_event,
    add_group,
    add_reply,
    add_resource,
    add_thread,
    api,
    form,
    report,
    run_worker,
)
from tests.support.smtp import SmtpSink


def text_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def first_sign_in(client: TestClient, provider: str, subject: str, claims: dict[str, Any]) -> Any:
    issuer = client.app.state.identity_providers.get(provider).issuer  # type: ignore[attr-defined]
    set_provider_claims(issuer, subject, claims)
    return follow_callback(client, authorize_at_provider(start(client, provider), subject))


def notifications_of(db: Session, member_id: str, kind: NotificationKind) -> list[Notification]:
    see_committed(db)
    return list(
        db.execute(
            select(Notification).where(
                Notification.member_id == member_id, Notification.kind == kind.value
            )
        ).scalars()
    )


def test_a_pending_applicants_admins_are_told_with_the_reason_batched_in_one_email(
    app: FastAPI,
    client: TestClient,
    db: Session,
    make: MakeMember,
    browser_of: Any,
    mailbox: SmtpSink,
    oidc_secondary: Any,
) -> None:
    admin, moderator = make("Ada Admin", is_admin=True), make("Mo Derator", is_moderator=True)
    db.execute(
        update(Organisation).where(Organisation.name == "University of York").values(name="Gone")
    )
    db.commit()
    pages = [
        first_sign_in(
            TestClient(app, base_url="http://testserver", follow_redirects=False),
            "york-uni",
            subject,
            {"name": name, "email": f"{subject}@example.net", "email_verified": True},
        )
        for subject, name in (("first-applicant", "Fay First"), ("second-applicant", "Sid Second"))
    ]
    for page in pages:
        assert page.status_code == 403
        assert "An admin of the partnership has been told" in page.text
    run_worker(app)

    told = notifications_of(db, admin.id, NotificationKind.APPLICATION_WAITING)
    assert len(told) == 2
    assert notifications_of(db, moderator.id, NotificationKind.APPLICATION_WAITING) == []
    ada = browser_of(admin)
    listed = ada.get("/notifications").text
    assert "Fay First is waiting for approval" in listed
    assert "No organisation of the partnership uses the e-mail domain example.net" in listed
    assert mailbox.to(admin.email or "") == []  # batched: the digest, not one e-mail each

    queue_due_digests(app.state.session_factory, now=utcnow() + timedelta(days=8))
    run_worker(app)
    (digest,) = mailbox.to(admin.email or "")
    body = text_part(digest)
    assert "Fay First is waiting for approval" in body
    assert "Sid Second is waiting for approval" in body

    applicant = db.execute(select(Member).where(Member.display_name == "Fay First")).scalar_one()
    page = ada.get(f"/admin/members/{applicant.id}").text
    assert "Why they are waiting" in page
    assert "No organisation of the partnership uses the e-mail domain example.net" in page
    assert (
        "No organisation of the partnership uses" in ada.get("/admin/members?status=pending").text
    )


def test_a_personal_address_is_told_to_use_a_work_account(
    client: TestClient, db: Session, oidc_primary: Any
) -> None:
    """Even through a partner council's provider: gmail is nobody's employer."""
    page = first_sign_in(
        client, "leeds", "personal", {"name": "Pat Personal", "email": "pat.p@gmail.com"}
    )

    assert page.status_code == 403
    assert "Sign in with your work account" in page.text
    assert "sign in again with your council, trust or university account" in page.text
    assert SESSION_COOKIE not in client.cookies
    see_committed(db)
    member = db.execute(select(Member).where(Member.display_name == "Pat Personal")).scalar_one()
    assert member.status == MemberStatus.PENDING
    assert member.status_reason is not None and "personal e-mail address (gmail.com)" in (
        member.status_reason
    )


def test_a_verified_council_address_gets_in_at_once(
    client: TestClient, db: Session, oidc_secondary: Any
) -> None:
    """The provider names no organisation here (York's is renamed away): the verified
    address's domain alone finds the partner council."""
    db.execute(
        update(Organisation)
        .where(Organisation.name == "Calderdale Council")
        .values(email_domains=["calderdale.gov.uk"])
    )
    db.execute(
        update(Organisation).where(Organisation.name == "University of York").values(name="Gone")
    )
    db.commit()
    page = first_sign_in(
        client,
        "york-uni",
        "council-worker",
        {"name": "Cal Worker", "email": "cal@calderdale.gov.uk", "email_verified": True},
    )
    assert page.status_code == 303
    assert SESSION_COOKIE in client.cookies
    see_committed(db)
    member = db.execute(select(Member).where(Member.display_name == "Cal Worker")).scalar_one()
    assert member.status == MemberStatus.ACTIVE
    assert db.get_one(Organisation, member.organisation_id or "").name == "Calderdale Council"


def test_a_warned_member_is_told_by_email_and_finds_the_warning_from_their_account_page(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, mailbox: SmtpSink
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    moderator = make("Mo Derator", is_moderator=True)
    event_id = add_event(app, author.id, "Free crypto webinar")
    report_id = report(browser_of(reader), "event", event_id, "spam").json()["id"]
    warned = form(
        browser_of(moderator), f"/moderation/reports/{report_id}/warn", message="Keep to practice."
    )
    assert warned.status_code == 303
    run_worker(app)

    (message,) = mailbox.to(author.email or "")
    assert message["Subject"] == "A moderator has warned you about Event “Free crypto webinar”"
    body = text_part(message)
    assert "Keep to practice." in body and "/moderation/warnings" in body
    assert ".." not in body.replace("...", "")
    dan = browser_of(author)
    assert "A moderator has warned you" in dan.get("/notifications").text
    account = dan.get("/profile").text
    assert 'href="/moderation/warnings"' in account and "Warnings from moderators (1)" in account
    assert "Keep to practice." in dan.get("/moderation/warnings").text
    assert notifications_of(db, reader.id, NotificationKind.WARNING_GIVEN) == []


def test_leaving_the_waitlist_says_so(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    organiser, booked, waiting = make("Ola Organiser"), make("Bea Booked"), make("Wes Waiting")
    event_id = add_event(app, organiser.id, "Life story work")
    with transaction(app.state.session_factory) as session:
        session.get_one(Event, event_id).capacity = 1
    api(browser_of(booked), "POST", f"/api/v1/events/{event_id}/booking")
    wes = browser_of(waiting)
    assert api(wes, "POST", f"/api/v1/events/{event_id}/booking").json()["status"] == "waitlisted"

    left = form(wes, f"/events/{event_id}/cancel-booking", confirmed="yes")
    assert left.status_code == 303
    page = wes.get(left.headers["location"]).text
    assert "You have left the waitlist." in page
    assert "Your booking is cancelled" not in page
    run_worker(app)
    texts = wes.get("/notifications").text
    assert "You have left the waitlist for “Life story work”" in texts


def test_a_booking_email_carries_the_calendar_file_with_the_venue_and_no_markdown(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, mailbox: SmtpSink
) -> None:
    organiser, attendee = make("Ola Organiser"), make("Ann Attendee")
    with transaction(app.state.session_factory) as session:
        session.add(
            NotificationPreference(
                member_id=attendee.id,
                kind=NotificationKind.BOOKING_CHANGED.value,
                delivery=Delivery.IMMEDIATE.value,
            )
        )
        start = utcnow() + timedelta(days=9)
        event = Event(
            title="Court skills",
            description="Bring **your** notes.",
            description_html="<p>Bring <strong>your</strong> notes.</p>",
            type=EventType.TRAINING,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            online=False,
            venue="Civic Hall",
            address="Calverley Street, Leeds",
            organiser_id=organiser.id,
        )
        session.add(event)
        session.flush()
        event_id = event.id
    booked = api(browser_of(attendee), "POST", f"/api/v1/events/{event_id}/booking")
    assert booked.json()["status"] == "booked"
    run_worker(app)

    (message,) = mailbox.to(attendee.email or "")
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == f"event-{event_id}.ics"
    (component,) = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(component["location"]) == "Civic Hall, Calverley Street, Leeds"
    assert str(component["description"]).startswith("Bring your notes.")
    assert "**" not in str(component["description"])


def test_destroying_asks_first_and_only_the_confirmed_post_acts(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    """Thread, reply, resource, booking, event, group member: the first post answers with a
    question (plain forms, no script needed) and changes nothing; the second acts."""
    owner, other = make("Olu Owner"), make("Tom Other")
    olu = browser_of(owner)
    thread_id, _first = add_thread(app, owner.id, "Court skills", "Any tips?")
    reply_id = add_reply(app, owner.id, thread_id, "Prepare the chronology.")
    first_post = _first
    resource_id = add_resource(app, owner.id, "Chronology template")
    event_id = add_event(app, owner.id, "Life story work")
    api(olu, "POST", f"/api/v1/events/{event_id}/booking")
    slug_id = add_group(
        app, "Research network", {owner.id: GroupRole.OWNER, other.id: GroupRole.MEMBER}
    )
    see_committed(db)
    slug = db.get_one(Group, slug_id).slug

    cases = [
        (f"/discussions/p/{reply_id}/delete", {}, "Delete reply 1 in “Court skills”?"),
        (f"/discussions/p/{first_post}/delete", {}, "Delete the thread “Court skills”?"),
        (f"/resources/{resource_id}/delete", {}, "Delete the resource “Chronology template”?"),
        (f"/events/{event_id}/cancel-booking", {}, "Cancel your place on “Life story work”?"),
        (
            f"/events/{event_id}/cancel",
            {"reason": "The trainer is ill."},
            "Cancel the event “Life story work”?",
        ),
        (
            f"/groups/{slug}/members/{other.id}/remove",
            {},
            "Remove Tom Other from Research network?",
        ),
    ]
    for path, fields, question in cases:
        asked = form(olu, path, **fields)
        assert asked.status_code == 200, (path, asked.text[:300])
        assert question in asked.text
        assert 'name="confirmed" value="yes"' in asked.text
        assert "No, go back" in asked.text
        for name, value in fields.items():
            assert f'name="{name}" value="{value}"' in asked.text  # carried to the second post

    see_committed(db)
    assert db.get_one(Post, reply_id).deleted_at is None
    assert db.get_one(Thread, thread_id).deleted_at is None
    assert db.get_one(Resource, resource_id).status != ResourceStatus.DELETED
    booking = db.execute(select(Booking).where(Booking.event_id == event_id)).scalar_one()
    assert booking.status == BookingStatus.BOOKED
    assert db.get_one(Event, event_id).status == EventStatus.SCHEDULED
    assert (
        db.execute(
            select(GroupMembership).where(GroupMembership.member_id == other.id)
        ).scalar_one_or_none()
        is not None
    )

    for path, fields, _question in cases:
        done = form(olu, path, confirmed="yes", **fields)
        assert done.status_code == 303, (path, done.text[:300])

    see_committed(db)
    assert db.get_one(Post, reply_id).deleted_at is not None
    assert db.get_one(Thread, thread_id).deleted_at is not None
    assert db.get_one(Resource, resource_id).status == ResourceStatus.DELETED
    db.refresh(booking)
    assert booking.status == BookingStatus.CANCELLED
    assert db.get_one(Event, event_id).status == EventStatus.CANCELLED
    assert (
        db.execute(
            select(GroupMembership).where(GroupMembership.member_id == other.id)
        ).scalar_one_or_none()
        is None
    )


def test_the_question_is_asked_only_of_someone_who_may_act(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    owner, stranger = make("Olu Owner"), make("Sam Stranger")
    resource_id = add_resource(app, owner.id, "Chronology template")
    refused = form(browser_of(stranger), f"/resources/{resource_id}/delete")
    assert refused.status_code in (403, 404)
    assert "Delete the resource" not in refused.text


def test_first_sign_in_asks_a_few_questions_once_and_saves_every_answer(
    app: FastAPI, client: TestClient, db: Session, oidc_primary: Any
) -> None:
    with transaction(app.state.session_factory) as session:
        seed_discussions(session)
    claims = {"name": "Nia Newcomer", "email": "nia@leeds.gov.uk", "email_verified": True}
    arrived = first_sign_in(client, "leeds", "nia-newcomer", claims)
    assert arrived.headers["location"] == "/welcome?next=%2F"

    page = client.get(arrived.headers["location"]).text
    assert "Welcome, Nia Newcomer" in page
    assert 'value="Nia Newcomer"' in page and "Leeds City Council" in page  # from the sign-in
    see_committed(db)
    categories = list(db.execute(select(Category).where(Category.group_id.is_(None))).scalars())
    topic = db.execute(select(Topic).order_by(Topic.name)).scalars().first()
    assert categories and topic is not None
    for category in categories:
        assert category.name in page

    answers = {
        "csrftoken": csrf_token(client),
        "next": "/",
        "display_name": "   ",
        "role": "wizard",
        "digest_frequency": "weekly",
    }
    refused = client.post("/welcome", data=answers)
    assert refused.status_code == 422
    assert "Enter your name as colleagues know it" in refused.text
    assert "Choose the role that fits you best" in refused.text
    see_committed(db)
    nia = db.execute(select(Member).where(Member.email == "nia@leeds.gov.uk")).scalar_one()
    assert nia.onboarded_at is None  # nothing half-saved

    saved = client.post(
        "/welcome",
        data={
            **answers,
            "display_name": "Nia Newcomer-Jones",
            "role": "manager",
            "areas_of_practice": [topic.slug],
            "categories": [categories[0].id],
        },
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/"
    assert "Your account is set up" in client.get("/").text
    see_committed(db)
    db.refresh(nia)
    assert nia.display_name == "Nia Newcomer-Jones" and nia.role.value == "manager"
    assert nia.onboarded_at is not None
    follows = set(
        db.execute(
            select(CategoryFollow.category_id).where(CategoryFollow.member_id == nia.id)
        ).scalars()
    )
    assert follows == {categories[0].id}
    schedule = db.get(DigestSchedule, nia.id)
    assert schedule is not None and schedule.frequency == "weekly"

    again = TestClient(app, base_url="http://testserver", follow_redirects=False)
    assert first_sign_in(again, "leeds", "nia-newcomer", claims).headers["location"] == "/"


def test_the_demo_lets_a_verified_council_address_in_at_once(
    app: FastAPI, client: TestClient, db: Session, oidc_secondary: Any
) -> None:
    """As the README promises: after `portal seed --demo`, a verified address of a partner
    council is admitted to that council at once (York's provider is made to name no
    organisation, so only the domain decides)."""
    with transaction(app.state.session_factory) as session:
        seed_demo(session, settings=app.state.settings)
        session.execute(
            update(Organisation)
            .where(Organisation.name == "University of York")
            .values(name="Gone")
        )
    page = first_sign_in(
        client,
        "york-uni",
        "jo.bloggs",
        {"name": "Jo Bloggs", "email": "jo.bloggs@wakefield.gov.uk", "email_verified": True},
    )
    assert page.status_code == 303 and page.headers["location"] == "/welcome?next=%2F"
    see_committed(db)
    jo = db.execute(select(Member).where(Member.display_name == "Jo Bloggs")).scalar_one()
    assert jo.status == MemberStatus.ACTIVE
    assert db.get_one(Organisation, jo.organisation_id or "").name == "Wakefield Council"
    waiting = db.execute(select(Member).where(Member.email == "sam.okoye@example-agency.co.uk"))
    assert "example-agency.co.uk" in (waiting.scalar_one().status_reason or "")


def test_the_moderation_queue_quotes_the_reported_text(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    moderator = make("Mo Derator", is_moderator=True)
    thread_id, _opening = add_thread(app, author.id, "Selling laptops", "Cheap **laptops**!")
    reply_id = add_reply(app, author.id, thread_id, "Visit the shop for *deals*.")
    rita = browser_of(reader)
    for kind, target in (("thread", thread_id), ("post", reply_id)):
        assert report(rita, kind, target, "spam").status_code == 201

    queue = browser_of(moderator).get("/moderation/reports").text
    assert "Cheap laptops!" in queue, queue[queue.find("<table") : queue.find("</table>")]
    assert "Visit the shop for deals." in queue


def test_a_new_thread_suggests_its_categorys_topics_without_ticking_them(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    with transaction(app.state.session_factory) as session:
        seed_discussions(session)
    see_committed(db)
    category = next(
        c
        for c in db.execute(
            select(Category)
            .where(Category.group_id.is_(None))
            .options(selectinload(Category.topics))
        ).scalars()
        if c.topics
    )
    page = browser_of(make("Tia Thread")).get(f"/discussions/start?category={category.slug}").text
    assert "Often chosen in this category: " + category.topics[0].name in page
    assert 'name="topics" type="checkbox"' in page
    assert "checked>" not in page.split('name="topics"', 1)[1].split("</fieldset>", 1)[0]


def _emails_at_once(app: FastAPI, member_id: str, kind: NotificationKind) -> None:
    with transaction(app.state.session_factory) as session:
        session.add(
            NotificationPreference(
                member_id=member_id, kind=kind.value, delivery=Delivery.IMMEDIATE.value
            )
        )


def _event_at_a_venue(app: FastAPI, organiser_id: str, *, capacity: int | None = None) -> str:
    with transaction(app.state.session_factory) as session:
        start = utcnow() + timedelta(days=9)
        event = Event(
            title="Court skills",
            description="Bring **your** notes and read [the guide](https://example.org).",
            description_html=(
                "<p>Bring <strong>your</strong> notes and read "
                '<a href="https://example.org">the guide</a>.</p>'
            ),
            type=EventType.TRAINING,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            online=False,
            venue="Civic Hall",
            address="Calverley Street, Leeds",
            capacity=capacity,
            organiser_id=organiser_id,
        )
        session.add(event)
        session.flush()
        return event.id


def test_a_place_from_the_waitlist_is_emailed_with_the_calendar_file_and_its_venue(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, mailbox: SmtpSink
) -> None:
    organiser, booked, waiting = make("Ola Organiser"), make("Bea Booked"), make("Wes Waiting")
    _emails_at_once(app, waiting.id, NotificationKind.BOOKING_CHANGED)
    event_id = _event_at_a_venue(app, organiser.id, capacity=1)
    bea, wes = browser_of(booked), browser_of(waiting)
    assert api(bea, "POST", f"/api/v1/events/{event_id}/booking").json()["status"] == "booked"
    assert api(wes, "POST", f"/api/v1/events/{event_id}/booking").json()["status"] == "waitlisted"
    run_worker(app)
    told_before = len(mailbox.to(waiting.email or ""))

    cancelled = api(bea, "DELETE", f"/api/v1/events/{event_id}/booking")
    assert cancelled.json()["promoted"] is not None, cancelled.text
    run_worker(app)

    (message,) = mailbox.to(waiting.email or "")[told_before:]
    assert "Court skills" in str(message["Subject"])
    assert "place" in text_part(message)
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    (component,) = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(component["location"]) == "Civic Hall, Calverley Street, Leeds"


def test_the_calendar_download_describes_the_event_in_plain_text(
    app: FastAPI, make: MakeMember, browser_of: Any
) -> None:
    organiser = make("Ola Organiser")
    event_id = _event_at_a_venue(app, organiser.id)
    download = browser_of(make("Ann Attendee")).get(f"/events/{event_id}/calendar.ics")
    assert download.status_code == 200, download.text

    (component,) = Calendar.from_ical(download.content).walk("VEVENT")
    description = str(component["description"])
    assert description.startswith("Bring your notes and read the guide")
    for markup in ("**", "](", "<p>", "<strong>", "<a "):
        assert markup not in description, description


def test_a_reason_stays_out_of_the_subject_and_its_sentence_ends_with_one_full_stop(
    app: FastAPI, make: MakeMember, browser_of: Any, mailbox: SmtpSink
) -> None:
    """A rejected application and a cancelled event, each with a reason that ends with its
    own full stop: the subject says what happened, the body quotes the reason once."""
    admin = make("Ada Admin", is_admin=True)
    applicant = make("Pat Pending", status=MemberStatus.PENDING)
    organiser, attendee = make("Ola Organiser"), make("Ann Attendee")
    _emails_at_once(app, attendee.id, NotificationKind.BOOKING_CHANGED)
    event_id = add_event(app, organiser.id, "Court skills", starts_in=timedelta(days=5))
    api(browser_of(attendee), "POST", f"/api/v1/events/{event_id}/booking")
    rejected = api(
        browser_of(admin),
        "POST",
        f"/api/v1/admin/members/{applicant.id}/reject",
        {"reason": "You do not work for a partner organisation."},
    )
    assert rejected.status_code == 200, rejected.text
    cancelled = api(
        browser_of(organiser),
        "POST",
        f"/api/v1/events/{event_id}/cancel",
        {"reason": "The trainer is ill."},
    )
    assert cancelled.status_code == 200, cancelled.text
    run_worker(app)

    for address, reason in (
        (applicant.email, "You do not work for a partner organisation"),
        (attendee.email, "The trainer is ill"),
    ):
        message = mailbox.to(address or "")[-1]  # after the attendee's booking e-mail
        subject = str(message["Subject"])
        assert subject.endswith(("was not approved", "is cancelled")), subject
        assert reason not in subject and "trainer" not in subject.lower(), subject
        body = text_part(message)
        assert body.count(reason) == 1, body
        assert reason + "." in body and reason + ".." not in body, body
        assert ".." not in body.replace("...", ""), body
