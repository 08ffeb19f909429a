"""The worker's side of notifications: a request records one announcement (one outbox row,
app/notifications/service.py ``announce``); here the worker finds who to tell, who may be
told, and how each wants to hear, with a fixed number of set-based statements whatever the
audience's size.

An announcement has parts in order (mentions before a thread's followers, say); a member
told by an earlier part is not told again by a later one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction, utcnow
from app.discussions.models import Post
from app.members.models import Member
from app.notifications.audiences import audience_member_ids
from app.notifications.kinds import KINDS, Delivery, DigestFrequency, NotificationKind
from app.notifications.models import (
    DigestSchedule,
    EmailState,
    Notification,
    NotificationPreference,
)
from app.notifications.service import (
    EMAIL_TOPIC,
    content_state,
    next_digest_time,
    notify_reaction,
)
from app.outbox.models import OutboxMessage
from app.policy.notifications import may_be_told_filter


def tell_members(
    db: Session,
    *,
    kind: NotificationKind,
    candidates: Any,
    subject_type: str,
    subject_id: str,
    group_id: str | None,
    actor_id: str | None = None,
    detail: dict[str, Any] | None = None,
    dedupe_key: str,
    already_told: frozenset[str] = frozenset(),
    now: datetime | None = None,
    merge_key: str | None = None,
) -> set[str]:
    """Record one notification for each member among ``candidates`` (a query of member ids)
    who may be told and has not been told under ``dedupe_key`` yet, and plan their e-mail by
    their preferences; returns who was told.

    With a ``merge_key`` (replies: the thread), a member who still has an unread, not yet
    e-mailed notification of this kind and key has it counted up instead (one UPDATE for
    all of them); only the others get a new row, and only new rows plan an e-mail."""
    now = now or utcnow()
    query = (
        select(
            Member.id,
            NotificationPreference.delivery,
            DigestSchedule.frequency,
            DigestSchedule.next_due_at,
            DigestSchedule.member_id.label("scheduled"),
        )
        .outerjoin(
            NotificationPreference,
            and_(
                NotificationPreference.member_id == Member.id,
                NotificationPreference.kind == kind.value,
            ),
        )
        .outerjoin(DigestSchedule, DigestSchedule.member_id == Member.id)
        .where(
            Member.id.in_(candidates),
            may_be_told_filter(kind=kind.value, actor_id=actor_id, group_id=group_id),
            ~exists().where(
                Notification.member_id == Member.id, Notification.dedupe_key == dedupe_key
            ),
        )
    )
    rows = [row for row in db.execute(query) if row.id not in already_told]
    if not rows:
        return set()
    told = {row.id for row in rows}
    if merge_key is not None:
        merged = _merge_into_unread(
            db,
            member_ids=told,
            kind=kind,
            merge_key=merge_key,
            actor_id=actor_id,
            dedupe_key=dedupe_key,
            now=now,
        )
        rows = [row for row in rows if row.id not in merged]
        if not rows:
            return told
    states: dict[str, str] = {}
    new_schedules: list[dict[str, Any]] = []
    unscheduled: dict[str, list[str]] = {}
    for row in rows:
        delivery = Delivery(row.delivery) if row.delivery else KINDS[kind].default
        frequency = DigestFrequency(row.frequency or DigestFrequency.DAILY.value)
        if delivery == Delivery.IMMEDIATE:
            states[row.id] = EmailState.IMMEDIATE
        elif delivery == Delivery.DIGEST and frequency != DigestFrequency.OFF:
            states[row.id] = EmailState.DIGEST
            if row.scheduled is None:
                new_schedules.append(
                    {
                        "member_id": row.id,
                        "frequency": frequency.value,
                        "next_due_at": next_digest_time(frequency, now),
                    }
                )
            elif row.next_due_at is None:
                unscheduled.setdefault(frequency.value, []).append(row.id)
        else:
            states[row.id] = EmailState.NONE
    if new_schedules:
        db.execute(insert(DigestSchedule), new_schedules)
    for frequency_value, member_ids in unscheduled.items():
        db.execute(
            update(DigestSchedule)
            .where(DigestSchedule.member_id.in_(member_ids), DigestSchedule.next_due_at.is_(None))
            .values(next_due_at=next_digest_time(DigestFrequency(frequency_value), now))
        )
    db.execute(
        insert(Notification),
        [
            {
                "member_id": member_id,
                "kind": kind.value,
                "actor_id": actor_id,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "group_id": group_id,
                "detail": detail or {},
                "dedupe_key": dedupe_key,
                "merge_key": merge_key,
                "merged_count": 1,
                "created_at": now,
                "updated_at": now,
                "email_state": state,
            }
            for member_id, state in states.items()
        ],
    )
    emailed_now = [
        member_id for member_id, state in states.items() if state == EmailState.IMMEDIATE
    ]
    emails = []
    if emailed_now:
        # read back rather than INSERT … RETURNING, which SQLite runs row by row
        emails = [
            {
                "topic": EMAIL_TOPIC,
                "payload": {"notification_id": notification_id},
                "created_at": now,
                "available_at": now,
            }
            for notification_id in db.execute(
                select(Notification.id).where(
                    Notification.member_id.in_(emailed_now),
                    Notification.dedupe_key == dedupe_key,
                    Notification.created_at == now,
                    Notification.kind == kind.value,
                )
            ).scalars()
        ]
    if emails:
        db.execute(insert(OutboxMessage), emails)
    return told


MERGEABLE_EMAIL_STATES = (
    EmailState.NONE,
    EmailState.DIGEST,
    EmailState.IMMEDIATE,
    EmailState.DROPPED,
)
"""An immediate e-mail still queued has not gone: it will describe the merged count."""


def _merge_into_unread(
    db: Session,
    *,
    member_ids: set[str],
    kind: NotificationKind,
    merge_key: str,
    actor_id: str | None,
    dedupe_key: str,
    now: datetime,
) -> set[str]:
    """Count this telling into each member's open notification under ``merge_key``;
    returns whose were counted. The dedupe key moves on to this announcement, so the
    same announcement delivered twice is not counted twice."""
    open_one = and_(
        Notification.member_id.in_(member_ids),
        Notification.kind == kind.value,
        Notification.merge_key == merge_key,
        Notification.read_at.is_(None),
        Notification.emailed_at.is_(None),
        Notification.email_state.in_(MERGEABLE_EMAIL_STATES),
    )
    merged = set(db.execute(select(Notification.member_id).where(open_one)).scalars())
    if merged:
        db.execute(
            update(Notification)
            .where(open_one)
            .values(
                merged_count=Notification.merged_count + 1,
                actor_id=actor_id,
                dedupe_key=dedupe_key,
                updated_at=now,
            )
        )
    return merged


def _merge_key(
    db: Session, kind: NotificationKind, subject_type: str, subject_id: str
) -> str | None:
    """Replies merge per thread; everything else is told one by one."""
    if kind != NotificationKind.REPLY or subject_type != "post":
        return None
    thread_id = db.execute(select(Post.thread_id).where(Post.id == subject_id)).scalar_one_or_none()
    return f"thread:{thread_id}" if thread_id else None


def deliver_announcement(db: Session, payload: dict[str, Any]) -> None:
    subject_type, subject_id = str(payload["subject_type"]), str(payload["subject_id"])
    tellable, group_id = content_state(db, subject_type, subject_id)
    if not tellable:
        return
    actor_id = payload.get("actor_id")
    announced_at = datetime.fromisoformat(str(payload["announced_at"]))
    dedupe_key = payload.get("dedupe_key") or f"announcement:{payload['announcement_id']}"
    told: set[str] = set()
    for part in payload["parts"]:
        kind = NotificationKind(part["kind"])
        if kind == NotificationKind.REACTION:
            for member_id in part["audience"]["members"]:
                notify_reaction(
                    db,
                    member_id=member_id,
                    actor_id=str(actor_id),
                    post_id=subject_id,
                    reaction=str((payload.get("detail") or {}).get("reaction", "")),
                )
            continue
        told |= tell_members(
            db,
            kind=kind,
            candidates=audience_member_ids(part["audience"], announced_at),
            subject_type=subject_type,
            subject_id=subject_id,
            group_id=group_id,
            actor_id=actor_id,
            detail=payload.get("detail"),
            dedupe_key=dedupe_key,
            already_told=frozenset(told),
            merge_key=_merge_key(db, kind, subject_type, subject_id),
        )


def deliver_announcements(factory: sessionmaker[Session], payloads: list[dict[str, Any]]) -> None:
    """All of a batch in one transaction. A payload seen twice (the worker died between
    committing and marking the row done) tells nobody twice: every announcement carries
    a dedupe key."""
    with transaction(factory) as db:
        for payload in payloads:
            deliver_announcement(db, payload)
