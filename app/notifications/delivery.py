"""The worker's side of notifications: immediate e-mails, digests, and event reminders.

Each e-mail is prepared in one short transaction (re-checking that the member may still
be told, and still wants it), handed to SMTP with no transaction open, and recorded as
sent in a second transaction. Only after that record does the notification count as
e-mailed, so an SMTP outage delays mail (the outbox retries, see RetryLater) and a
redelivered outbox row finds it already sent.

Exactly once, as far as it can be: once a live SMTP server is connected, the notification
is marked SENDING (committed) before the message goes; the moment the server accepts it,
its Message-ID is appended to the worker's sent journal (fsynced) and only then recorded in
the database, which is retried patiently through a database outage instead of failing
the row. A later run that finds a notification SENDING knows it is a retry after a crash:
it records the message without sending it when the journal or the database's sent log has
its Message-ID, and otherwise sends it again under the same Message-ID (so mail systems
can drop a duplicate). The window left is a worker killed between the server's 250 and
the journal's fsync, a few milliseconds (docs/notifications.md).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import transaction, utcnow
from app.errors import NotFound
from app.events.calendar import event_ics
from app.events.models import Booking, BookingStatus, Event, EventStatus
from app.events.service import REMINDER_TOPIC, get_event
from app.members.models import Member
from app.notifications.fanout import deliver_announcements
from app.notifications.kinds import (
    DIGEST_UNSUBSCRIBE_KIND,
    KINDS,
    Delivery,
    DigestFrequency,
    NotificationKind,
)
from app.notifications.mail import (
    MailRejected,
    MailServerUnavailable,
    OutgoingEmail,
    SentJournal,
    SmtpMailer,
    message_id,
    render_email,
    sent_journal,
    smtp_mailer,
    unsubscribe_url,
)
from app.notifications.models import DigestSchedule, EmailState, Notification, SentEmail
from app.notifications.rendering import NotificationItem, describe
from app.notifications.service import (
    ANNOUNCE_TOPIC,
    DIGEST_TOPIC,
    EMAIL_TOPIC,
    delivery_for,
    notify,
    schedule_digest,
)
from app.outbox.service import RetryLater, enqueue
from app.outbox.worker import WorkerTasks
from app.policy.notifications import may_be_told_about_event

logger = logging.getLogger(__name__)

REMINDER_EARLY_SLACK = timedelta(minutes=5)
RECORD_PATIENCE_SECONDS = 600.0
"""How long recording a sent message is retried (a database restarting) before the row is
left to run again; the sent journal keeps that run from sending it twice."""


def _footer_context(settings: Settings, member: Member, kind: str) -> dict[str, Any]:
    return {
        "settings_url": f"{settings.base_url}/notifications/settings",
        "unsubscribe_url": unsubscribe_url(settings, member_id=member.id, kind=kind),
        "member": member,
    }


def _subject(text: str) -> str:
    """One line (a member's reason may hold line breaks), at most 150 characters."""
    line = " ".join(text.split())
    return line if len(line) <= 150 else line[:149] + "…"


def _absolute(settings: Settings, item: NotificationItem) -> str:
    return settings.base_url + item.url


# --- immediate e-mail ---------------------------------------------------------------------


def _calendar_file(
    db: Session, settings: Settings, member: Member, notification: Notification
) -> tuple[str, bytes] | None:
    """The event's calendar file, for an e-mail that says the member has a place on it
    (booked, or promoted from the waitlist): one click puts it, with its venue, in their
    calendar."""
    kind = NotificationKind(notification.kind)
    booked = kind == NotificationKind.WAITLIST_PROMOTED or (
        kind == NotificationKind.BOOKING_CHANGED
        and (notification.detail or {}).get("status") == BookingStatus.BOOKED.value
    )
    if notification.subject_type != "event" or not booked:
        return None
    try:
        view = get_event(db, viewer=member, event_id=notification.subject_id)
    except NotFound:
        return None
    return f"event-{view.event.id}.ics", event_ics(view, base_url=settings.base_url)


def prepare_immediate(
    db: Session, settings: Settings, notification_id: int
) -> OutgoingEmail | None:
    """The e-mail for one notification, or None (marking why) if it must not go."""
    notification = db.get(Notification, notification_id)
    if notification is None or notification.email_state not in (
        EmailState.IMMEDIATE,
        EmailState.SENDING,
    ):
        return None
    resumed = notification.email_state == EmailState.SENDING
    member = db.get(Member, notification.member_id)
    kind = NotificationKind(notification.kind)
    if member is None or not member.email:
        notification.email_state = EmailState.DROPPED
        return None
    current = delivery_for(db, member.id, kind)
    if current == Delivery.OFF:
        notification.email_state = EmailState.DROPPED
        return None
    if current == Delivery.DIGEST:
        digest_on = schedule_digest(db, member.id)
        notification.email_state = EmailState.DIGEST if digest_on else EmailState.DROPPED
        return None
    (item,) = describe(db, member, [notification])
    if item is None:
        notification.email_state = EmailState.DROPPED
        return None
    context = {
        **_footer_context(settings, member, kind.value),
        "item": item,
        "url": _absolute(settings, item),
        "why": KINDS[kind].label,
    }
    text, html = render_email("notification", context)
    return OutgoingEmail(
        to=member.email,
        subject=_subject(item.text),
        text=text,
        html=html,
        # The creation time makes the Message-ID unique even where SQLite reuses a deleted
        # row's id, so the sent logs never mistake a new message for an old one.
        message_id=message_id(
            settings, f"notification-{notification.id}.{notification.created_at:%Y%m%d%H%M%S%f}"
        ),
        unsubscribe_url=context["unsubscribe_url"],
        member_id=member.id,
        kind=kind.value,
        notification_ids=[notification.id],
        resumed=resumed,
        calendar_file=_calendar_file(db, settings, member, notification),
    )


def record_sent(db: Session, email: OutgoingEmail) -> None:
    now = utcnow()
    for notification in db.execute(
        select(Notification).where(Notification.id.in_(email.notification_ids))
    ).scalars():
        notification.email_state, notification.emailed_at = EmailState.SENT, now
    db.add(
        SentEmail(
            member_id=email.member_id,
            message_id=email.message_id,
            kind=email.kind,
            subject=email.subject,
            notification_ids=email.notification_ids,
            sent_at=now,
        )
    )


def _set_state(factory: sessionmaker[Session], email: OutgoingEmail, state: str) -> None:
    with transaction(factory) as db:
        for notification in db.execute(
            select(Notification).where(Notification.id.in_(email.notification_ids))
        ).scalars():
            notification.email_state = state


def _already_sent(
    factory: sessionmaker[Session], email: OutgoingEmail, journal: SentJournal
) -> bool:
    if email.message_id in journal:
        return True
    with transaction(factory) as db:
        recorded = db.execute(
            select(SentEmail.id).where(SentEmail.message_id == email.message_id)
        ).first()
    return recorded is not None


def _record(factory: sessionmaker[Session], email: OutgoingEmail) -> None:
    """Record a message the server accepted, waiting out a database outage (the message
    is in the sent journal meanwhile, so even giving up cannot send it twice)."""
    deadline = time.monotonic() + RECORD_PATIENCE_SECONDS
    pause = 0.5
    while True:
        try:
            with transaction(factory) as db:
                record_sent(db, email)
            return
        except IntegrityError:
            logger.warning("mail %s was already recorded as sent", email.message_id)
            return
        except (OperationalError, InterfaceError, DBAPIError) as error:
            if time.monotonic() >= deadline:
                raise
            logger.warning(
                "recording mail %s as sent failed (%s); trying again", email.message_id, error
            )
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def _deliver(
    factory: sessionmaker[Session], mailer: SmtpMailer, email: OutgoingEmail, journal: SentJournal
) -> None:
    if (email.resumed or email.stable_id) and _already_sent(factory, email, journal):
        logger.warning(
            "mail %s went before the worker stopped; recorded, not sent again", email.message_id
        )
        _record(factory, email)
        return
    try:
        mailer.connect()
        if email.notification_ids and not (email.resumed or email.stable_id):
            _set_state(factory, email, EmailState.SENDING)
        elif email.resumed:
            logger.warning(
                "mail %s may have gone before the worker stopped; sending it again "
                "under the same Message-ID",
                email.message_id,
            )
        mailer.send(email)
    except MailServerUnavailable as failure:
        raise RetryLater(str(failure)) from failure
    except MailRejected as refusal:
        logger.warning("mail to member %s refused for good: %s", email.member_id, refusal)
        _set_state(factory, email, EmailState.DROPPED)
        return
    journal.add(email.message_id)
    _record(factory, email)


def send_immediate(
    factory: sessionmaker[Session], settings: Settings, notification_ids: list[int]
) -> None:
    journal = sent_journal(settings)
    with smtp_mailer(settings) as mailer:
        for notification_id in dict.fromkeys(notification_ids):
            with transaction(factory) as db:
                email = prepare_immediate(db, settings, notification_id)
            if email is not None:
                _deliver(factory, mailer, email, journal)


# --- digests ------------------------------------------------------------------------------


def queue_due_digests(factory: sessionmaker[Session], *, now: datetime | None = None) -> int:
    """Queue a digest job for every member whose digest time has come. Run by the worker on
    every pass; the schedule row moves on in the same transaction, so each is queued once."""
    now = now or utcnow()
    with transaction(factory) as db:
        query = select(DigestSchedule).where(DigestSchedule.next_due_at <= now).limit(500)
        if db.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)  # two workers queue it once
        due = list(db.execute(query).scalars())
        for schedule in due:
            enqueue(
                db,
                topic=DIGEST_TOPIC,
                payload={"member_id": schedule.member_id, "until": now.isoformat()},
            )
            schedule.next_due_at = None
    return len(due)


def prepare_digest(
    db: Session, settings: Settings, member_id: str, *, until: datetime | None = None
) -> OutgoingEmail | None:
    """The member's digest of everything waiting for it, built now: access is checked
    item by item as it is built, and what the member may no longer see is dropped."""
    member = db.get(Member, member_id)
    query = select(Notification).where(
        Notification.member_id == member_id, Notification.email_state == EmailState.DIGEST
    )
    if until is not None:
        query = query.where(Notification.created_at <= until)
    waiting = list(db.execute(query.order_by(Notification.id)).scalars())
    if not waiting:
        return None
    schedule = db.get(DigestSchedule, member_id)
    frequency = DigestFrequency(schedule.frequency) if schedule else DigestFrequency.DAILY
    items: list[NotificationItem] = []
    kept: list[int] = []
    described = describe(db, member, waiting) if member is not None else [None] * len(waiting)
    for notification, item in zip(waiting, described, strict=True):
        wanted = (
            member is not None
            and delivery_for(db, member_id, NotificationKind(notification.kind)) == Delivery.DIGEST
        )
        if item is None or not wanted or frequency == DigestFrequency.OFF:
            notification.email_state = EmailState.DROPPED
            continue
        items.append(item)
        kept.append(notification.id)
    if member is None or not member.email or not items:
        for notification in waiting:
            notification.email_state = EmailState.DROPPED
        return None
    sections: dict[NotificationKind, list[NotificationItem]] = {}
    for item in items:
        sections.setdefault(item.kind, []).append(item)
    context = {
        **_footer_context(settings, member, DIGEST_UNSUBSCRIBE_KIND),
        "why": "the digest",
        "frequency": frequency.value,
        "count": len(items),
        "sections": [
            {
                "label": KINDS[kind].label,
                "items": [(item, _absolute(settings, item)) for item in kind_items],
                "unsubscribe_url": unsubscribe_url(settings, member_id=member.id, kind=kind.value),
            }
            for kind, kind_items in sections.items()
        ],
    }
    text, html = render_email("digest", context)
    period = "daily" if frequency == DigestFrequency.DAILY else "weekly"
    plural = "update" if len(items) == 1 else "updates"
    return OutgoingEmail(
        to=member.email,
        subject=f"Your {period} digest from the partnership portal: {len(items)} {plural}",
        text=text,
        html=html,
        message_id=message_id(settings, f"digest-{member.id}-{kept[-1]}"),
        unsubscribe_url=context["unsubscribe_url"],
        member_id=member.id,
        kind=DIGEST_UNSUBSCRIBE_KIND,
        notification_ids=kept,
        stable_id=True,
    )


def _schedule_what_arrived_meanwhile(db: Session, member_id: str) -> None:
    """A notification that arrived after the cutoff, while the due time was still set,
    did not set a new one: make sure it goes in the next digest."""
    left = db.execute(
        select(Notification.id)
        .where(Notification.member_id == member_id, Notification.email_state == EmailState.DIGEST)
        .limit(1)
    ).first()
    if left is not None:
        schedule_digest(db, member_id)


def send_digests(
    factory: sessionmaker[Session], settings: Settings, payloads: list[dict[str, Any]]
) -> None:
    """One digest per member however many jobs were queued, covering what had arrived by
    the latest job's time."""
    until: dict[str, datetime] = {}
    for payload in payloads:
        member_id, at = str(payload["member_id"]), datetime.fromisoformat(payload["until"])
        until[member_id] = max(at, until.get(member_id, at))
    journal = sent_journal(settings)
    with smtp_mailer(settings) as mailer:
        for member_id, cutoff in until.items():
            with transaction(factory) as db:
                email = prepare_digest(db, settings, member_id, until=cutoff)
            if email is not None:
                _deliver(factory, mailer, email, journal)
            with transaction(factory) as db:
                _schedule_what_arrived_meanwhile(db, member_id)


# --- event reminders ----------------------------------------------------------------------


def deliver_reminders(
    factory: sessionmaker[Session], settings: Settings, payloads: list[dict[str, Any]]
) -> None:
    """A reminder queued at booking time is told only if, now, the booking stands, the
    event is still on at the time the reminder was meant for, and the member may see it.
    One reminder per member, event and start time, however often it was queued."""
    now = utcnow()
    window = timedelta(hours=settings.event_reminder_hours) + REMINDER_EARLY_SLACK
    with transaction(factory) as db:
        for payload in payloads:
            event = db.get(Event, payload["event_id"])
            member = db.get(Member, payload["member_id"])
            if event is None or member is None:
                continue
            booking = db.execute(
                select(Booking).where(Booking.event_id == event.id, Booking.member_id == member.id)
            ).scalar_one_or_none()
            if (
                booking is None
                or booking.status != BookingStatus.BOOKED
                or event.status != EventStatus.SCHEDULED
                or not (now < event.starts_at <= now + window)
                or not may_be_told_about_event(member, event)
            ):
                continue
            notify(
                db,
                member_id=member.id,
                kind=NotificationKind.EVENT_REMINDER,
                subject_type="event",
                subject_id=event.id,
                dedupe_key=f"reminder:{event.id}:{event.starts_at.isoformat()}",
            )


def notification_tasks(factory: sessionmaker[Session], settings: Settings) -> WorkerTasks:
    def email(payloads: list[dict[str, Any]]) -> None:
        send_immediate(factory, settings, [int(p["notification_id"]) for p in payloads])

    def digest(payloads: list[dict[str, Any]]) -> None:
        send_digests(factory, settings, payloads)

    def reminder(payloads: list[dict[str, Any]]) -> None:
        deliver_reminders(factory, settings, payloads)

    def announcement(payloads: list[dict[str, Any]]) -> None:
        deliver_announcements(factory, payloads)

    return WorkerTasks(
        handlers={
            ANNOUNCE_TOPIC: announcement,
            EMAIL_TOPIC: email,
            DIGEST_TOPIC: digest,
            REMINDER_TOPIC: reminder,
        },
        periodic=(lambda: queue_due_digests(factory),),
    )
