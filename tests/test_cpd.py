"""The CPD record: suggestions from attendance, downloads and threads (one click pre-fills,
nothing is added silently), peer reflection (note, withdrawal, refusal), the registration
year at London midnight, reminders once per window, the exports, the guard on CPD text,
and organisers seeing counts only."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from docx import Document
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cpd import clock
from app.cpd.models import CpdDismissal, CpdEntry, CpdReflection, CpdStatus, ReflectionStatus
from app.db import LONDON, transaction
from app.events.models import Booking, BookingStatus
from app.members.models import Member, MemberRole
from app.notifications.models import Notification, NotificationPreference
from app.resources.models import ResourceFile, ResourceType
from app.resources.schemas import ResourceData
from app.resources.service import Upload, create_resource
from app.worker import worker_tasks
from tests.support.database import count_rows, see_committed
from tests.support.portal import (
    MakeMember,
    add_event,
    add_reply,
    add_thread,
    api,
    audit_actions,
    form,
    run_worker,
    tell_now,
)
from tests.support.smtp import SmtpSink

BrowserOf = Callable[[Member], TestClient]


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[datetime], None]]:
    """The CPD domain's clock, set by the test (London wall-clock times)."""
    current: list[datetime] = []

    def set_to(at: datetime) -> None:
        current[:] = [at.astimezone(UTC)]

    monkeypatch.setattr(clock, "now", lambda: current[0])
    yield set_to


def entry_form(**changes: str) -> dict[str, str]:
    values = {
        "title": "Child development and attachment",
        "happened_on": clock.london_today().isoformat(),
        "kind": "reading",
        "hours": "1.5",
        "learning": "How early attachment shapes later relationships.",
        "impact": "I will ask about early relationships in assessments.",
        "record": "1",
    }
    values.update(changes)
    return values


def add_entry(browser: TestClient, **changes: str) -> str:
    saved = form(browser, "/cpd", **entry_form(**changes))
    assert saved.status_code == 303, saved.text
    return saved.headers["location"].removeprefix("/cpd/")


def attended_event(app: FastAPI, organiser: Member, attendee: Member, title: str) -> str:
    """An event that started half an hour ago, the attendee booked on it (arranged)."""
    event_id = add_event(app, organiser.id, title, starts_in=timedelta(minutes=-30))
    with transaction(app.state.session_factory) as session:
        session.add(Booking(event_id=event_id, member_id=attendee.id, status=BookingStatus.BOOKED))
    return event_id


def test_attendance_recorded_suggestion_shown_one_click_entry(
    app: FastAPI, db: Session, make: MakeMember, browser_of: BrowserOf
) -> None:
    organiser, attendee = make("Olive Organiser"), make("Amy Attendee")
    event_id = attended_event(app, organiser, attendee, "Contextual safeguarding workshop")
    organiser_browser, amy = browser_of(organiser), browser_of(attendee)

    before = amy.get(f"/events/{event_id}")
    assert "Add this to your CPD record?" not in before.text  # booked is not attended
    recorded = form(organiser_browser, f"/events/{event_id}/attendance", attended=attendee.id)
    assert recorded.status_code == 303

    event_page = amy.get(f"/events/{event_id}")
    assert "Add this to your CPD record?" in event_page.text
    cpd_page = amy.get("/cpd")
    assert "Contextual safeguarding workshop" in cpd_page.text
    assert f"/cpd/new?from=event%3A{event_id}" in cpd_page.text
    assert count_rows(db, CpdEntry) == 0  # never added silently

    # one click: the form comes pre-filled from the event
    prefilled = amy.get(f"/cpd/new?from=event:{event_id}")
    assert prefilled.status_code == 200
    assert 'value="Contextual safeguarding workshop"' in prefilled.text
    assert f'name="item_id" value="{event_id}"' in prefilled.text
    assert '<option value="event" selected>' in prefilled.text
    saved = form(
        amy,
        "/cpd",
        **entry_form(
            title="Contextual safeguarding workshop",
            kind="event",
            item_type="event",
            item_id=event_id,
        ),
    )
    assert saved.status_code == 303, saved.text
    see_committed(db)
    entry = db.execute(select(CpdEntry)).scalar_one()
    assert (entry.member_id, entry.item_type, entry.item_id) == (attendee.id, "event", event_id)
    assert entry.status == CpdStatus.RECORDED

    # linked once only, and only what was suggested: a count is of real attendees
    again = form(amy, "/cpd", **entry_form(item_type="event", item_id=event_id))
    assert again.status_code == 422 and "cannot be linked" in again.text
    other_event = add_event(app, organiser.id, "Not attended", starts_in=timedelta(minutes=-20))
    unattended = api(
        amy,
        "POST",
        "/api/v1/cpd/entries",
        {**entry_form(item_type="event", item_id=other_event), "record": True},
    )
    assert unattended.status_code == 422 and "cannot be linked" in unattended.text
    assert count_rows(db, CpdEntry) == 1
    # offered no more, here or on the event
    assert "Contextual safeguarding workshop" not in amy.get("/cpd").text.split("Entries in")[0]
    assert "Add this to your CPD record?" not in amy.get(f"/events/{event_id}").text
    # the organiser sees a count, never the entry
    attendees = organiser_browser.get(f"/events/{event_id}/attendees")
    assert "1 attendee recorded this event in their CPD" in attendees.text
    assert entry.learning not in attendees.text
    assert organiser_browser.get(f"/cpd/{entry.id}").status_code == 404
    assert amy.get(f"/events/{event_id}/attendees").status_code in (403, 404)


def test_downloads_and_threads_are_suggested_and_can_be_dismissed(
    app: FastAPI, db: Session, make: MakeMember, browser_of: BrowserOf
) -> None:
    reader, author = make("Rhea Reader"), make("Theo Thread")
    with transaction(app.state.session_factory) as session:
        resource_id = create_resource(
            session,
            storage=app.state.file_storage,
            actor=session.get_one(Member, author.id),
            data=ResourceData(
                title="Neglect practice guide", summary="A guide.", type=ResourceType.PRACTICE_GUIDE
            ),
            uploads=[Upload("guide.txt", io.BytesIO(b"Neglect guide text"))],
            max_bytes=1024 * 1024,
        ).id
    see_committed(db)
    file_id = db.execute(
        select(ResourceFile.id).where(ResourceFile.resource_id == resource_id)
    ).scalar_one()
    thread_id, _opening = add_thread(app, author.id, "Using genograms with teenagers", "Tips?")
    add_reply(app, reader.id, thread_id, "I draw them together on paper.")
    rhea = browser_of(reader)

    assert "Neglect practice guide" not in rhea.get("/cpd").text  # not downloaded yet
    assert "Using genograms with teenagers" in rhea.get("/cpd").text
    download = rhea.get(f"/resources/{resource_id}/files/{file_id}/download")
    assert download.status_code == 200 and download.content == b"Neglect guide text"
    assert "Add this to your CPD record?" in rhea.get(f"/resources/{resource_id}").text
    assert "Add this to your CPD record?" in rhea.get(f"/discussions/t/{thread_id}").text
    prefilled = rhea.get(f"/cpd/new?from=resource:{resource_id}")
    assert '<option value="reading" selected>' in prefilled.text

    dismissed = form(
        rhea,
        "/cpd/suggestions/dismiss",
        item=f"thread:{thread_id}",
        back=f"/discussions/t/{thread_id}",
    )
    assert dismissed.status_code == 303
    assert dismissed.headers["location"] == f"/discussions/t/{thread_id}"
    assert "Add this to your CPD record?" not in rhea.get(f"/discussions/t/{thread_id}").text
    assert "Using genograms with teenagers" not in rhea.get("/cpd").text
    twice = form(rhea, "/cpd/suggestions/dismiss", item=f"thread:{thread_id}")
    assert twice.status_code == 404  # nothing left to dismiss
    assert count_rows(db, CpdDismissal) == 1
    # someone else's activity is never suggested to the author
    assert "Neglect practice guide" not in browser_of(author).get("/cpd").text
    assert form(rhea, "/cpd/suggestions/dismiss", item="nonsense").status_code == 404


def test_a_peer_note_reaches_only_that_entry_and_nobody_else_reads_cpd_text(
    app: FastAPI, db: Session, make: MakeMember, browser_of: BrowserOf
) -> None:
    owner, peer, other = make("Olga Owner"), make("Pete Peer"), make("Oscar Other")
    admin = make("Ada Admin", is_admin=True)
    olga = browser_of(owner)
    first = add_entry(olga, title="Direct work with siblings", learning="sibling secret lesson")
    second = add_entry(olga, title="Court skills day", learning="court secret lesson")
    see_committed(db)
    handle = db.get_one(Member, peer.id).handle
    invited = form(
        olga, f"/cpd/{first}/reflections", colleague=f"@{handle}", question="Was my plan fair?"
    )
    assert invited.status_code == 303, invited.text
    see_committed(db)
    reflection_id = db.execute(select(CpdReflection.id)).scalar_one()
    tell_now(app)

    pete = browser_of(peer)
    told = api(pete, "GET", "/api/v1/notifications").text
    assert "asked you to reflect with them on “Direct work with siblings”" in told
    assert "sibling secret lesson" not in told
    invitation = pete.get(f"/cpd/invitations/{reflection_id}")
    assert invitation.status_code == 200
    assert "Direct work with siblings" in invitation.text and "Was my plan fair?" in invitation.text
    assert "sibling secret lesson" not in invitation.text
    assert "Direct work with siblings" in pete.get("/cpd").text  # listed as waiting
    for stranger in (pete, browser_of(other), browser_of(admin)):
        assert stranger.get(f"/cpd/{first}").status_code == 404
        assert api(stranger, "GET", f"/api/v1/cpd/entries/{first}").status_code == 404
        assert "sibling secret lesson" not in stranger.get("/cpd/export/2026.csv").text
    assert browser_of(other).get(f"/cpd/invitations/{reflection_id}").status_code == 404

    noted = form(pete, f"/cpd/invitations/{reflection_id}/note", note="Yes: you involved them.")
    assert noted.status_code == 303, noted.text
    tell_now(app)
    assert pete.get(f"/cpd/invitations/{reflection_id}").status_code == 404  # answered
    today = clock.london_today().strftime("%-d %B %Y")
    first_page = olga.get(f"/cpd/{first}").text
    assert f"Discussed with Pete Peer on {today}" in first_page
    assert "Yes: you involved them." in first_page
    second_page = olga.get(f"/cpd/{second}").text
    assert "Yes: you involved them." not in second_page and "Discussed with" not in second_page
    assert "added a note to your CPD entry" in api(olga, "GET", "/api/v1/notifications").text
    for stranger in (pete, browser_of(other), browser_of(admin)):
        for path in ("/cpd", "/api/v1/cpd/entries", "/api/v1/notifications"):
            assert "Yes: you involved them." not in stranger.get(path).text
    progress = api(olga, "GET", "/api/v1/cpd/progress").json()
    assert (progress["recorded"], progress["with_peer"], progress["met"]) == (2, 1, True)
    assert "Done for" in olga.get("/cpd").text
    # deleting the entry takes its reflection with it; the notifications fall silent
    assert form(olga, f"/cpd/{first}/delete").status_code == 303
    assert count_rows(db, CpdReflection) == 0
    assert "Direct work with siblings" not in api(olga, "GET", "/api/v1/notifications").text


def test_withdrawal_and_refusal(
    app: FastAPI, db: Session, make: MakeMember, browser_of: BrowserOf
) -> None:
    owner, peer, other = make("Olga Owner"), make("Pete Peer"), make("Rosa Refuser")
    olga = browser_of(owner)
    entry_id = add_entry(olga)
    see_committed(db)
    peer_email = db.get_one(Member, peer.id).email
    other_handle = db.get_one(Member, other.id).handle
    assert (
        form(
            olga, f"/cpd/{entry_id}/reflections", colleague=str(peer_email), question="Thoughts?"
        ).status_code
        == 303
    )
    see_committed(db)
    reflection_id = db.execute(
        select(CpdReflection.id).where(CpdReflection.peer_id == peer.id)
    ).scalar_one()
    # asking the same colleague twice, oneself, or nobody is a field error
    again = form(olga, f"/cpd/{entry_id}/reflections", colleague=str(peer_email), question="?")
    assert again.status_code == 422 and "already invited" in again.text
    see_committed(db)
    own_handle = db.get_one(Member, owner.id).handle
    myself = form(olga, f"/cpd/{entry_id}/reflections", colleague=f"@{own_handle}", question="?")
    assert myself.status_code == 422 and "yourself" in myself.text
    nobody = form(olga, f"/cpd/{entry_id}/reflections", colleague="@no-such-one", question="?")
    assert nobody.status_code == 422 and "no active member" in nobody.text

    withdrawn = form(olga, f"/cpd/{entry_id}/reflections/{reflection_id}/withdraw")
    assert withdrawn.status_code == 303
    pete = browser_of(peer)
    assert pete.get(f"/cpd/invitations/{reflection_id}").status_code == 404
    late = form(pete, f"/cpd/invitations/{reflection_id}/note", note="Too late")
    assert late.status_code == 404
    assert form(olga, f"/cpd/{entry_id}/reflections/{reflection_id}/withdraw").status_code == 303
    assert "invitation withdrawn" in olga.get(f"/cpd/{entry_id}").text

    assert (
        form(
            olga,
            f"/cpd/{entry_id}/reflections",
            colleague=f"@{other_handle}",
            question="Your view?",
        ).status_code
        == 303
    )
    see_committed(db)
    refused_id = db.execute(
        select(CpdReflection.id).where(CpdReflection.peer_id == other.id)
    ).scalar_one()
    rosa = browser_of(other)
    assert form(rosa, f"/cpd/invitations/{refused_id}/refuse").status_code == 303
    see_committed(db)
    statuses = dict(db.execute(select(CpdReflection.peer_id, CpdReflection.status)).all())
    assert statuses == {peer.id: ReflectionStatus.WITHDRAWN, other.id: ReflectionStatus.REFUSED}
    assert "Rosa Refuser:\n    declined." in olga.get(f"/cpd/{entry_id}").text or (
        "declined" in olga.get(f"/cpd/{entry_id}").text
    )
    progress = api(olga, "GET", "/api/v1/cpd/progress").json()
    assert progress["with_peer"] == 0 and progress["met"] is False
    tell_now(app)
    assert "declined to reflect on your CPD entry" in api(olga, "GET", "/api/v1/notifications").text


def test_the_docx_opens_with_the_years_entries_in_order_and_the_csv_matches(
    make: MakeMember, browser_of: BrowserOf, fixed_clock: Callable[[datetime], None]
) -> None:
    member = make("Dora Docx")
    dora = browser_of(member)
    fixed_clock(datetime(2027, 3, 15, 12, 0, tzinfo=LONDON))
    year = clock.registration_year_starting(2026)
    add_entry(dora, title="Second by date", happened_on="2027-03-15")
    add_entry(dora, title="First by date", happened_on="2026-12-01", learning="=1+1")
    add_entry(dora, title="A draft", record="0", learning="", impact="")
    add_entry(dora, title="Last year", happened_on="2026-11-30")

    response = dora.get(f"/cpd/export/{year.starts_on.year}.docx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = Document(io.BytesIO(response.content))
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert headings == ["First by date", "Second by date"]  # drafts and other years left out
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"CPD record {year.label}" in text
    assert "What I learned: How early attachment shapes later relationships." in text
    assert "Peer reflection: None recorded." in text

    exported = dora.get(f"/cpd/export/{year.starts_on.year}.csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0] == ["Title", "Date", "Type", "Learning", "Impact", "Peer reflection"]
    assert [row[0] for row in rows[1:]] == ["First by date", "Second by date"]
    assert rows[1][1] == year.starts_on.strftime("%d/%m/%Y")
    assert rows[1][3] == "'=1+1"  # a spreadsheet will not run it
    assert rows[1][2] == "Reading or research (1.5 hours)"
    previous = dora.get(f"/cpd/export/{year.starts_on.year - 1}.csv")
    assert [row[0] for row in csv.reader(io.StringIO(previous.text.lstrip("\ufeff")))][1:] == [
        "Last year"
    ]
    assert dora.get("/cpd/export/1850.csv").status_code == 404


@pytest.mark.parametrize(
    ("london_time", "expected_start"),
    [
        (datetime(2026, 11, 30, 23, 59, 59), 2025),
        (datetime(2026, 12, 1, 0, 0, 0), 2026),
        (datetime(2027, 11, 30, 23, 59, 59), 2026),
        (datetime(2027, 12, 1, 0, 0, 0), 2027),
        (datetime(2027, 6, 30, 23, 30), 2026),  # summer: London is UTC+1
    ],
)
def test_the_registration_year_turns_at_london_midnight(
    london_time: datetime, expected_start: int
) -> None:
    at = london_time.replace(tzinfo=LONDON)
    assert clock.current_registration_year(at.astimezone(UTC)).starts_on == date(
        expected_start, 12, 1
    )
    start, end = clock.year_bounds_utc(clock.registration_year_starting(2027))
    assert start == datetime(2027, 12, 1, tzinfo=UTC)  # GMT in winter: midnight is 00:00 UTC
    assert end == datetime(2028, 12, 1, tzinfo=UTC)
    assert clock.registration_year_starting(2026).label == "2026–27"


def test_the_year_on_the_page_on_both_sides_of_midnight(
    db: Session, make: MakeMember, browser_of: BrowserOf, fixed_clock: Callable[[datetime], None]
) -> None:
    member = make("Nora Night")
    nora = browser_of(member)
    fixed_clock(datetime(2026, 11, 30, 23, 59, 59, tzinfo=LONDON))
    add_entry(nora, title="On the last day", happened_on="2026-11-30")
    future = form(nora, "/cpd", **entry_form(happened_on="2026-12-01"))
    assert future.status_code == 422 and "cannot be in the future" in future.text
    before = nora.get("/cpd").text
    assert "Registration year 2025–26" in before and "On the last day" in before
    assert api(nora, "GET", "/api/v1/cpd/progress").json()["recorded"] == 1

    fixed_clock(datetime(2026, 12, 1, 0, 0, 0, tzinfo=LONDON))
    after = nora.get("/cpd").text
    assert "Registration year 2026–27" in after and "On the last day" not in after
    assert api(nora, "GET", "/api/v1/cpd/progress").json()["recorded"] == 0
    add_entry(nora, title="On the first day", happened_on="2026-12-01")
    assert "On the last day" in nora.get("/cpd?year=2025").text
    listed = api(nora, "GET", "/api/v1/cpd/entries?year=2026").json()
    assert [e["title"] for e in listed] == ["On the first day"]
    assert listed[0]["registration_year"] == "2026–27"


def remind(app: FastAPI) -> None:
    for job in worker_tasks(app.state.session_factory, app.state.settings).periodic:
        job()


def test_reminders_in_october_and_the_last_fortnight_once_each_respecting_email_choices(
    app: FastAPI,
    db: Session,
    make: MakeMember,
    browser_of: BrowserOf,
    mailbox: SmtpSink,
    fixed_clock: Callable[[datetime], None],
) -> None:
    behind, quiet = make("Bea Behind"), make("Quinn Quiet")
    done, peer = make("Dan Done"), make("Pat Peer")
    student = make("Stu Student", role=MemberRole.STUDENT)
    with transaction(app.state.session_factory) as session:
        session.add(NotificationPreference(member_id=quiet.id, kind="cpd_reminder", delivery="off"))
        # Dan met the rule for 2026-27: two recorded, one with a colleague's note
        for day, with_peer in ((date(2027, 1, 10), True), (date(2027, 3, 2), False)):
            entry = CpdEntry(
                member_id=done.id,
                title="Done",
                happened_on=day,
                kind="course",
                learning="l",
                impact="i",
                status=CpdStatus.RECORDED,
            )
            session.add(entry)
            session.flush()
            if with_peer:
                session.add(
                    CpdReflection(
                        entry_id=entry.id,
                        peer_id=peer.id,
                        question="q",
                        note="n",
                        status=ReflectionStatus.NOTED,
                    )
                )
    mailbox.clear()

    def reminded() -> dict[str, list[str]]:
        see_committed(db)
        rows = db.execute(
            select(Notification.member_id, Notification.dedupe_key).where(
                Notification.kind == "cpd_reminder"
            )
        ).all()
        found: dict[str, list[str]] = {}
        for member_id, key in rows:
            found.setdefault(member_id, []).append(str(key))
        return found

    fixed_clock(datetime(2027, 9, 30, 12, 0, tzinfo=LONDON))
    remind(app)
    assert reminded() == {}
    fixed_clock(datetime(2027, 10, 5, 9, 0, tzinfo=LONDON))
    remind(app)
    remind(app)  # a second worker, or a restart: nobody is told twice
    october = "cpd-reminder:2026:october"
    # Pat (no entries) and the two behind; not Dan (met) nor the student
    assert reminded() == {behind.id: [october], quiet.id: [october], peer.id: [october]}
    run_worker(app)
    recipients = {message["To"] for message in mailbox.messages}
    see_committed(db)
    assert db.get_one(Member, behind.id).email in recipients
    assert db.get_one(Member, quiet.id).email not in recipients  # e-mail off: in the portal only
    page = browser_of(quiet).get("/notifications").text
    assert "Your CPD record for 2026–27 is not complete yet" in page

    fixed_clock(datetime(2027, 11, 16, 23, 0, tzinfo=LONDON))
    remind(app)
    assert len(reminded()[behind.id]) == 1
    fixed_clock(datetime(2027, 11, 17, 8, 0, tzinfo=LONDON))
    remind(app)
    assert set(reminded()[behind.id]) == {october, "cpd-reminder:2026:november"}
    assert done.id not in reminded() and student.id not in reminded()


def test_the_guard_checks_cpd_text_and_an_override_is_audited_without_it(
    db: Session, make: MakeMember, browser_of: BrowserOf
) -> None:
    member = make("Gail Guarded")
    gail = browser_of(member)
    text = "Jayden, aged 7, lives at 14 Elm Street with his mum."
    refused = form(gail, "/cpd", **entry_form(learning=text))
    assert refused.status_code == 409
    assert "Check before you save" in refused.text and "Nothing has been saved" in refused.text
    assert count_rows(db, CpdEntry) == 0
    no_reason = form(gail, "/cpd", **entry_form(learning=text), post_anyway="1")
    assert no_reason.status_code == 422 and count_rows(db, CpdEntry) == 0
    saved = form(gail, "/cpd", **entry_form(learning=text), post_anyway="1", guard_reason="changed")
    assert saved.status_code == 303
    assert count_rows(db, CpdEntry) == 1
    assert "guard_overridden" in audit_actions(db)
    from app.audit.models import AuditEntry
    from app.guard.models import GuardOverride

    see_committed(db)
    entry_audit = db.execute(
        select(AuditEntry).where(AuditEntry.action == "guard_overridden")
    ).scalar_one()
    assert "Jayden" not in str(entry_audit.after) and entry_audit.subject_name == "a CPD entry"
    assert count_rows(db, GuardOverride) == 0  # no moderator reads a private record
    # the API answers the same refusal as problem JSON
    body: dict[str, Any] = {
        "title": "t",
        "happened_on": clock.london_today().isoformat(),
        "kind": "other",
        "learning": text,
    }
    problem = api(gail, "POST", "/api/v1/cpd/entries", body)
    assert problem.status_code == 409 and problem.json()["findings"]


def test_bad_input_gets_field_errors_and_drafts_need_less(
    db: Session, make: MakeMember, browser_of: BrowserOf
) -> None:
    member = make("Ben Bad")
    ben = browser_of(member)
    missing = form(ben, "/cpd", **entry_form(learning="", impact=""))
    assert missing.status_code == 422 and "Say what you learned" in missing.text
    wrong = form(ben, "/cpd", **entry_form(hours="lots", kind="nap", happened_on="tomorrow"))
    assert wrong.status_code == 422 and 'id="hours-error"' in wrong.text
    assert count_rows(db, CpdEntry) == 0
    draft_id = add_entry(ben, learning="", impact="", record="0")
    assert "Draft" in ben.get(f"/cpd/{draft_id}").text
    assert api(ben, "GET", "/api/v1/cpd/progress").json()["recorded"] == 0
    api_bad = api(ben, "POST", "/api/v1/cpd/entries", {"title": "", "kind": "x"})
    assert api_bad.status_code == 422 and api_bad.headers["content-type"].startswith(
        "application/problem+json"
    )
    changed = form(ben, f"/cpd/{draft_id}/edit", **entry_form(title="Now finished"))
    assert changed.status_code == 303
    assert api(ben, "GET", "/api/v1/cpd/progress").json()["recorded"] == 1
    assert form(ben, f"/cpd/{draft_id}/delete").status_code == 303
    assert count_rows(db, CpdEntry) == 0
    assert ben.get(f"/cpd/{draft_id}").status_code == 404


def test_the_cpd_page_and_exports_run_a_bounded_number_of_statements(
    app: FastAPI, make: MakeMember, browser_of: BrowserOf, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support.statements import counted_statements

    member, colleague, author = make("Bo Bounded"), make("Col League"), make("Au Thor")
    bo = browser_of(member)
    year = clock.current_registration_year().starts_on.year

    def arrange(entries: int, threads: int) -> None:
        with transaction(app.state.session_factory) as session:
            for number in range(entries):
                entry = CpdEntry(
                    member_id=member.id,
                    title=f"Entry {number}",
                    happened_on=clock.london_today(),
                    kind="course",
                    learning="l",
                    impact="i",
                    status=CpdStatus.RECORDED,
                )
                session.add(entry)
                session.flush()
                session.add(
                    CpdReflection(
                        entry_id=entry.id,
                        peer_id=colleague.id,
                        question="q",
                        note="n",
                        status=ReflectionStatus.NOTED,
                    )
                )
        for number in range(threads):
            thread_id, _ = add_thread(app, author.id, f"Thread {number} on practice", "Body")
            add_reply(app, member.id, thread_id, "My reply")

    def statements_for(path: str) -> int:
        """The fewer of two runs: the engine also serves the app's start-up thread, whose
        statements can land in one count."""
        counts = []
        for _ in range(2):
            with counted_statements(app) as statements:
                assert bo.get(path).status_code == 200
            counts.append(len(statements))
        return min(counts)

    paths = ("/cpd", f"/cpd/export/{year}.docx", "/api/v1/cpd/entries")
    arrange(1, 1)
    few = {path: statements_for(path) for path in paths}
    arrange(12, 6)
    many = {path: statements_for(path) for path in paths}
    with capsys.disabled():
        print(f"\nCPD statements, 1 entry and 1 suggestion vs 12 and 7: {few} / {many}")
    assert many == few
    assert "Thread 5 on practice" in bo.get("/cpd").text


def test_the_guard_checks_the_question_and_the_note_too(
    db: Session, make: MakeMember, browser_of: BrowserOf
) -> None:
    owner, peer = make("Quentin Question"), make("Nina Note")
    quentin, nina = browser_of(owner), browser_of(peer)
    entry_id = add_entry(quentin)
    see_committed(db)
    handle = db.get_one(Member, peer.id).handle
    identifying = "Jayden, aged 7, lives at 14 Elm Street with his mum."
    asked = form(
        quentin, f"/cpd/{entry_id}/reflections", colleague=f"@{handle}", question=identifying
    )
    assert asked.status_code == 409 and "Check before you save" in asked.text
    assert count_rows(db, CpdReflection) == 0
    anyway = form(
        quentin,
        f"/cpd/{entry_id}/reflections",
        colleague=f"@{handle}",
        question=identifying,
        post_anyway="1",
        guard_reason="changed",
    )
    assert anyway.status_code == 303
    see_committed(db)
    reflection_id = db.execute(select(CpdReflection.id)).scalar_one()
    noted = form(nina, f"/cpd/invitations/{reflection_id}/note", note=identifying)
    assert noted.status_code == 409 and "Check before you save" in noted.text
    empty = form(nina, f"/cpd/invitations/{reflection_id}/note", note="")
    assert empty.status_code == 422
    see_committed(db)
    assert db.get_one(CpdReflection, reflection_id).status == ReflectionStatus.INVITED
    assert audit_actions(db).count("guard_overridden") == 1
