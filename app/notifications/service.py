"""Announcing, recording, reading and marking notifications, and members' e-mail
preferences.

A domain service calls announce() inside its own transaction: it records one fact (one
outbox row), so a rolled-back change tells nobody anything and a request costs the same
whether two members or two hundred are to be told. The worker turns the announcement into
notifications (app/notifications/fanout.py). notify() records one member's notification
directly; it is for the worker, seeds and tests. Services flush; the request (or the
worker) commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.orm import Session

from app.db import LONDON, new_id, utcnow, write_after_reading
from app.discussions.models import Post, Thread
from app.errors import InvalidInput, NotFound
from app.events.models import Event
from app.keyset import CappedCount, Cursor, KeysetPage, capped_count, keyset_page
from app.members.models import Member
from app.notifications.audiences import Audience
from app.notifications.kinds import (
    DIGEST_UNSUBSCRIBE_KIND,
    KINDS,
    Delivery,
    DigestFrequency,
    NotificationKind,
)
from app.notifications.models import (
    DigestSchedule,
    EmailState,
    Notification,
    NotificationPreference,
)
from app.notifications.rendering import NotificationItem, describe
from app.outbox.service import enqueue
from app.policy.content import visible_to_member_filter
from app.policy.notifications import (
    check_own_notification_permission,
    is_tellable_content,
    is_told_of_own_action,
    kinds_that_may_reach,
)

ANNOUNCE_TOPIC = "notifications.announce"
EMAIL_TOPIC = "notifications.email"
DIGEST_TOPIC = "notifications.digest"
DIGEST_HOUR = time(7, 0)
"""Digests go at 07:00 London time: daily, or on Mondays for weekly."""


# --- announcing (in the request) --------------------------------------------------------


def announce(
    db: Session,
    *,
    parts: Sequence[tuple[NotificationKind, Audience]],
    subject_type: str,
    subject_id: str,
    actor_id: str | None = None,
    detail: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> None:
    """Tell each part's audience about something, in order; a member in several parts is
    told once, by the first. Who may be told is decided by the worker, when it delivers."""
    if not parts:
        return
    enqueue(
        db,
        topic=ANNOUNCE_TOPIC,
        payload={
            "announcement_id": new_id(),
            "announced_at": utcnow().isoformat(),
            "parts": [{"kind": kind.value, "audience": audience} for kind, audience in parts],
            "subject_type": subject_type,
            "subject_id": subject_id,
            "actor_id": actor_id,
            "detail": detail or {},
            "dedupe_key": dedupe_key,
        },
    )


# --- recording (in the worker) ------------------------------------------------------------


def delivery_for(db: Session, member_id: str, kind: NotificationKind) -> Delivery:
    chosen = db.get(NotificationPreference, (member_id, kind.value))
    return Delivery(chosen.delivery) if chosen is not None else KINDS[kind].default


def next_digest_time(frequency: DigestFrequency, now: datetime) -> datetime:
    local = now.astimezone(LONDON)
    due = datetime.combine(local.date(), DIGEST_HOUR, tzinfo=LONDON)
    if due <= local:
        due += timedelta(days=1)
    if frequency == DigestFrequency.WEEKLY:
        due += timedelta(days=(7 - due.weekday()) % 7)
    return due.astimezone(now.tzinfo)


def _digest_schedule(db: Session, member_id: str) -> DigestSchedule:
    schedule = db.get(DigestSchedule, member_id)
    if schedule is None:
        schedule = DigestSchedule(member_id=member_id, frequency=DigestFrequency.DAILY.value)
        db.add(schedule)
    return schedule


def schedule_digest(db: Session, member_id: str) -> bool:
    """Make sure the member's next digest is due; False if they turned the digest off."""
    schedule = _digest_schedule(db, member_id)
    frequency = DigestFrequency(schedule.frequency)
    if frequency == DigestFrequency.OFF:
        return False
    if schedule.next_due_at is None:
        schedule.next_due_at = next_digest_time(frequency, utcnow())
    return True


def _plan_email(db: Session, notification: Notification) -> None:
    delivery = delivery_for(db, notification.member_id, NotificationKind(notification.kind))
    if delivery == Delivery.IMMEDIATE:
        notification.email_state = EmailState.IMMEDIATE
        db.flush()
        enqueue(db, topic=EMAIL_TOPIC, payload={"notification_id": notification.id})
    elif delivery == Delivery.DIGEST and schedule_digest(db, notification.member_id):
        notification.email_state = EmailState.DIGEST
    else:
        notification.email_state = EmailState.NONE


def content_state(db: Session, subject_type: str, subject_id: str) -> tuple[bool, str | None]:
    """Whether the content may be spoken of at all, and the group that may see it (both
    the worker's fan-out and a single notification record the group)."""
    if subject_type == "post":
        row = db.execute(
            select(Post, Thread)
            .join(Thread, Thread.id == Post.thread_id)
            .where(Post.id == subject_id)
        ).first()
        if row is None:
            return False, None
        post, thread = row
        return is_tellable_content(post, thread), thread.group_id
    if subject_type == "thread":
        thread = db.get(Thread, subject_id)
        return is_tellable_content(thread, thread), thread.group_id if thread else None
    if subject_type == "event":
        event = db.get(Event, subject_id)
        return is_tellable_content(event, None), event.group_id if event else None
    return True, None


def notify(
    db: Session,
    *,
    member_id: str,
    kind: NotificationKind,
    subject_type: str,
    subject_id: str,
    actor_id: str | None = None,
    detail: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Tell one member about something, at once (the worker, seeds and tests; a request
    calls announce()). Nobody is told about their own action; a
    ``dedupe_key`` already used for this member tells them nothing twice (a redelivered
    outbox row, a reminder queued twice)."""
    if is_told_of_own_action(member_id, actor_id):
        return None
    if dedupe_key is not None:
        seen = db.execute(
            select(Notification.id).where(
                Notification.member_id == member_id, Notification.dedupe_key == dedupe_key
            )
        ).first()
        if seen is not None:
            return None
    now = utcnow()
    notification = Notification(
        member_id=member_id,
        kind=kind.value,
        actor_id=actor_id,
        subject_type=subject_type,
        subject_id=subject_id,
        group_id=content_state(db, subject_type, subject_id)[1],
        detail=detail or {},
        dedupe_key=dedupe_key,
        created_at=now,
        updated_at=now,
    )
    db.add(notification)
    _plan_email(db, notification)
    db.flush()
    return notification


def notify_reaction(
    db: Session, *, member_id: str, actor_id: str, post_id: str, reaction: str
) -> Notification | None:
    """Reactions to one post are batched: while the last notification about them is unread
    and not yet e-mailed, another member's reaction counts it up instead of adding a line.
    A member who takes a reaction back and gives it again is not counted twice."""
    if is_told_of_own_action(member_id, actor_id):
        return None
    earlier = list(
        db.execute(
            select(Notification)
            .where(
                Notification.member_id == member_id,
                Notification.kind == NotificationKind.REACTION.value,
                Notification.subject_id == post_id,
            )
            .order_by(Notification.id.desc())
        ).scalars()
    )
    if any(actor_id in (n.detail or {}).get("actors", []) for n in earlier):
        return None
    pending = next((n for n in earlier if n.read_at is None and n.emailed_at is None), None)
    if pending is None:
        return notify(
            db,
            member_id=member_id,
            kind=NotificationKind.REACTION,
            subject_type="post",
            subject_id=post_id,
            actor_id=actor_id,
            detail={"reaction": reaction, "actors": [actor_id]},
        )
    actors = [*(pending.detail or {}).get("actors", []), actor_id]
    pending.actor_id = actor_id
    pending.detail = {**(pending.detail or {}), "reaction": reaction, "actors": actors}
    pending.updated_at = utcnow()
    db.flush()
    return pending


# --- reading ------------------------------------------------------------------------------


def unread_count(db: Session, member: Member, *, leaving_out: Sequence[int] = ()) -> int:
    """For the header: one count, leaving out content of groups the member can no longer
    see (whatever else can no longer be shown is marked read when the list is opened;
    ``leaving_out`` are those being marked so now)."""
    return db.execute(
        unread_count_statement(
            member_id=member.id, visible=visible_to_member_filter(member, Notification.group_id)
        ).where(Notification.id.not_in(leaving_out))
    ).scalar_one()


def unread_count_statement(*, member_id: Any, visible: ColumnElement[bool]) -> Select[tuple[int]]:
    """unread_count's statement for a member given as a value or as a column of an
    enclosing query (the statement that finds the signed-in member runs it as a
    subquery, with the policy's condition for that query's member row as ``visible``)."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.member_id == member_id, Notification.read_at.is_(None), visible)
    )


@dataclass(frozen=True)
class NotificationPage:
    items: list[NotificationItem]
    total: CappedCount
    unread: int
    page: KeysetPage[Any]


def list_notifications(
    db: Session,
    *,
    viewer: Member,
    cursor: Cursor | None,
    limit: int,
    unread_only: bool = False,
) -> NotificationPage:
    """Newest first. Notifications about things the member may no longer see are left
    out of the page and marked read, so the header stops counting them (they still count
    towards the total)."""
    where = [Notification.member_id == viewer.id]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    page = keyset_page(
        db,
        select(Notification).where(*where),
        keys=[Notification.updated_at, Notification.id],
        descending=True,
        cursor=cursor,
        limit=limit,
    )
    rows = [row[0] for row in page.items]
    total = capped_count(db, select(Notification.id).where(*where))
    items: list[NotificationItem] = []
    never_shown: list[int] = []
    for notification, item in zip(rows, describe(db, viewer, rows), strict=True):
        if item is not None:
            items.append(item)
        elif notification.read_at is None:
            never_shown.append(notification.id)
    if never_shown:
        # they can never be shown: stop counting them as unread
        write_after_reading(
            db,
            update(Notification)
            .where(Notification.id.in_(never_shown), Notification.read_at.is_(None))
            .values(read_at=utcnow()),
        )
    unread = unread_count(db, viewer, leaving_out=never_shown)
    return NotificationPage(items=items, total=total, unread=unread, page=page)


def _own_notification(db: Session, viewer: Member, notification_id: int) -> Notification:
    notification = db.get(Notification, notification_id)
    check_own_notification_permission(viewer, notification)
    assert notification is not None
    return notification


def open_notification(db: Session, *, viewer: Member, notification_id: int) -> str:
    """Mark it read and return where it points; the list if that is no longer visible."""
    notification = _own_notification(db, viewer, notification_id)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.flush()
    (item,) = describe(db, viewer, [notification])
    return item.url if item is not None else "/notifications"


def mark_read(db: Session, *, viewer: Member, notification_id: int, read: bool = True) -> None:
    notification = _own_notification(db, viewer, notification_id)
    notification.read_at = (notification.read_at or utcnow()) if read else None
    db.flush()


def mark_all_read(db: Session, *, viewer: Member) -> int:
    result = db.execute(
        update(Notification)
        .where(Notification.member_id == viewer.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- preferences --------------------------------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    deliveries: dict[NotificationKind, Delivery]
    digest_frequency: DigestFrequency


def preferences(db: Session, *, member: Member) -> Preferences:
    chosen = {
        row.kind: row.delivery
        for row in db.execute(
            select(NotificationPreference).where(NotificationPreference.member_id == member.id)
        ).scalars()
    }
    schedule = db.get(DigestSchedule, member.id)
    return Preferences(
        deliveries={
            kind: Delivery(chosen[kind.value]) if kind.value in chosen else KINDS[kind].default
            for kind in kinds_that_may_reach(db, member)
        },
        digest_frequency=DigestFrequency(schedule.frequency)
        if schedule is not None
        else DigestFrequency.DAILY,
    )


def _set_delivery(db: Session, member_id: str, kind: NotificationKind, delivery: Delivery) -> None:
    row = db.get(NotificationPreference, (member_id, kind.value))
    if row is None:
        db.add(NotificationPreference(member_id=member_id, kind=kind.value, delivery=delivery))
    else:
        row.delivery, row.updated_at = delivery.value, utcnow()


def _set_digest_frequency(db: Session, member_id: str, frequency: DigestFrequency) -> None:
    schedule = _digest_schedule(db, member_id)
    if schedule.frequency == frequency.value:
        return
    schedule.frequency = frequency.value
    if frequency == DigestFrequency.OFF:
        schedule.next_due_at = None
        db.execute(
            update(Notification)
            .where(
                Notification.member_id == member_id,
                Notification.email_state == EmailState.DIGEST,
            )
            .values(email_state=EmailState.DROPPED)
        )
    else:
        schedule.next_due_at = next_digest_time(frequency, utcnow())


def save_preferences(
    db: Session, *, member: Member, deliveries: dict[str, str], digest_frequency: str | None
) -> Preferences:
    """All or nothing: every value is checked before anything is saved."""
    errors: dict[str, str] = {}
    parsed: dict[NotificationKind, Delivery] = {}
    offered = kinds_that_may_reach(db, member)
    for name, value in deliveries.items():
        try:
            kind = NotificationKind(name)
        except ValueError:
            errors[name] = "There is no such kind of notification."
            continue
        if kind not in offered:
            errors[name] = "You are not sent this kind of notification: there is nothing to choose."
            continue
        try:
            parsed[kind] = Delivery(value)
        except ValueError:
            errors[name] = f"Choose how to hear about {KINDS[kind].label}: off, digest or at once."
    frequency: DigestFrequency | None = None
    if digest_frequency is not None:
        try:
            frequency = DigestFrequency(digest_frequency)
        except ValueError:
            errors["digest_frequency"] = "Choose daily, weekly or no digest."
    if errors:
        raise InvalidInput(errors)
    for kind, delivery in parsed.items():
        _set_delivery(db, member.id, kind, delivery)
    if frequency is not None:
        _set_digest_frequency(db, member.id, frequency)
    db.flush()
    return preferences(db, member=member)


def unsubscribe_label(kind: str) -> str:
    if kind == DIGEST_UNSUBSCRIBE_KIND:
        return "the daily or weekly digest"
    return KINDS[NotificationKind(kind)].label


def unsubscribe_target(db: Session, *, member_id: str, kind: str) -> str:
    """What an unsubscribe link would stop, for the page that asks."""
    if db.get(Member, member_id) is None:
        raise NotFound("This unsubscribe link is for an account that no longer exists.")
    return unsubscribe_label(kind)


def unsubscribe(db: Session, *, member_id: str, kind: str) -> str:
    """Stop e-mail of one kind (or the digest) for one member, from an e-mail's link.
    Returns what was stopped, for the confirmation page."""
    unsubscribe_target(db, member_id=member_id, kind=kind)
    if kind == DIGEST_UNSUBSCRIBE_KIND:
        _set_digest_frequency(db, member_id, DigestFrequency.OFF)
    else:
        _set_delivery(db, member_id, NotificationKind(kind), Delivery.OFF)
    db.flush()
    return unsubscribe_label(kind)
