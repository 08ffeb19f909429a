"""Remove a spam account: hide everything the author wrote and suspend them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.discussions import service as discussions
from app.events import service as events
from app.events.models import Event
from app.members import service as members
from app.members.models import Member, MemberStatus
from app.moderation.models import Report
from app.moderation.service._common import (
    _author,
    _close,
    _load_report,
    _require_open,
    _required,
)
from app.policy import check_act_on_report_permission, check_moderate_member_permission
from app.resources import service as resources
from app.resources.models import Resource, ResourceStatus


@dataclass(frozen=True)
class SpamRemoval:
    report: Report
    threads: int
    posts: int
    resources: int
    events: int
    suspended: bool


def remove_spam_account(
    db: Session, *, actor: Member, report_id: str, reason: str | None
) -> SpamRemoval:
    """Hide everything the author wrote (threads, replies, resources, events) and suspend
    them, in one transaction. Threads and replies go in bulk: the request costs the same
    statements for 5 posts or 500."""
    report, groups = _load_report(db, actor, report_id)
    check_act_on_report_permission(actor, report, groups)
    _require_open(report)
    author = _author(db, report)
    check_moderate_member_permission(actor, author, "suspend")
    cleaned = _required(reason, "reason", "Give a reason; the member sees it if they sign in.")
    note = cleaned[:1000]

    removed = discussions.remove_everything_by(db, actor=actor, author=author, reason=note)
    owned = list(
        db.execute(
            select(Resource.id).where(
                Resource.owner_id == author.id, Resource.status == ResourceStatus.PUBLISHED
            )
        ).scalars()
    )
    for resource_id in owned:
        resources.hide_resource(db, actor=actor, resource_id=resource_id, reason=note)
    organised = list(
        db.execute(
            select(Event.id).where(Event.organiser_id == author.id, Event.hidden_reason.is_(None))
        ).scalars()
    )
    for event_id in organised:
        events.hide_event(db, actor=actor, event_id=event_id, reason=note)
    suspended = author.status == MemberStatus.ACTIVE
    if suspended:
        members.suspend(db, actor=actor, member_id=author.id, reason=cleaned)
    _close(
        db,
        actor=actor,
        report=report,
        outcome="spam_removed",
        note=cleaned,
        every_report_by_author=True,
    )
    return SpamRemoval(
        report, removed.threads, removed.posts, len(owned), len(organised), suspended
    )
