"""Turn notifications into words and links from the live rows, checking on the way that
the member may still see each one (app/policy/notifications.py). Used by the list page,
the API, immediate e-mails and digests alike, so every channel says the same thing."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import nh3
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.cpd.clock import registration_year_starting
from app.cpd.models import CpdEntry, CpdReflection
from app.db import LONDON
from app.discussions.models import Post, Thread
from app.events.models import Event
from app.groups.models import Group
from app.guard.detection import LABELS
from app.guard.models import REASON_LABELS, GuardOverride
from app.members.models import Member, MemberStatus
from app.moderation.models import MemberWarning
from app.notifications.kinds import NotificationKind
from app.notifications.models import Notification
from app.opportunities.models import Opportunity
from app.policy.cpd import may_be_told_about_reflection
from app.policy.members import may_review_application, may_use_admin_area
from app.policy.moderation import moderated_group_ids
from app.policy.notifications import (
    may_be_told_about_event,
    may_be_told_about_group,
    may_be_told_about_opportunity,
    may_be_told_about_post,
    may_be_told_of_guard_override,
    may_be_told_of_held_resource,
    may_receive_notifications,
)
from app.resources.models import Resource

EXCERPT_LENGTH = 240


@dataclass(frozen=True)
class NotificationItem:
    id: int
    kind: NotificationKind
    text: str
    url: str
    excerpt: str | None
    created_at: datetime
    updated_at: datetime
    read: bool


def _when(value: datetime) -> str:
    return value.astimezone(LONDON).strftime("%A %-d %B %Y, %H:%M")


def _excerpt(post: Post) -> str:
    text = html.unescape(nh3.clean(post.body_html, tags=set()))
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1].rstrip() + "…"


def _where(event: Event) -> str:
    if event.online:
        return "online"
    return (
        ", ".join(part for part in (event.venue, event.address) if part) or "venue to be confirmed"
    )


@dataclass
class _Loaded:
    posts: dict[str, Post]
    threads: dict[str, Thread]
    events: dict[str, Event]
    groups: dict[str, Group]
    actors: dict[str, Member]
    opportunities: dict[str, Opportunity]
    overrides: dict[str, GuardOverride]
    resources: dict[str, Resource]
    moderated_groups: frozenset[str]
    reflections: dict[str, tuple[CpdReflection, CpdEntry]]
    warnings: dict[str, MemberWarning]


def _by_id(db: Session, model: Any, wanted: set[str], *options: Any) -> dict[str, Any]:
    """The rows of ``model`` with these ids; no statement when none are wanted (a page
    of notifications is usually of two or three kinds, not eleven)."""
    if not wanted:
        return {}
    statement = select(model).where(model.id.in_(wanted)).options(*options)
    return {row.id: row for row in db.execute(statement).scalars()}


def _load(db: Session, member: Member, notifications: Sequence[Notification]) -> _Loaded:
    def ids(kind: str) -> set[str]:
        return {n.subject_id for n in notifications if n.subject_type == kind}

    posts: dict[str, Post] = _by_id(db, Post, ids("post"))
    thread_ids = ids("thread") | {post.thread_id for post in posts.values()}
    threads: dict[str, Thread] = _by_id(db, Thread, thread_ids)
    events: dict[str, Event] = _by_id(db, Event, ids("event"))
    groups: dict[str, Group] = _by_id(db, Group, ids("group"))
    actors: dict[str, Member] = _by_id(
        db, Member, {n.actor_id for n in notifications if n.actor_id}
    )
    opportunities: dict[str, Opportunity] = _by_id(
        db, Opportunity, ids("opportunity"), selectinload(Opportunity.organisation)
    )
    overrides: dict[str, GuardOverride] = _by_id(db, GuardOverride, ids("guard_override"))
    resources: dict[str, Resource] = _by_id(db, Resource, ids("resource"))
    in_groups = any(override.group_id for override in overrides.values())
    moderated = moderated_group_ids(db, member) if in_groups else frozenset()
    reflection_ids = ids("cpd_reflection")
    reflections: dict[str, tuple[CpdReflection, CpdEntry]] = (
        {
            reflection.id: (reflection, entry)
            for reflection, entry in db.execute(
                select(CpdReflection, CpdEntry)
                .join(CpdEntry, CpdEntry.id == CpdReflection.entry_id)
                .where(CpdReflection.id.in_(reflection_ids))
            ).all()
        }
        if reflection_ids
        else {}
    )
    warnings: dict[str, MemberWarning] = _by_id(db, MemberWarning, ids("warning"))
    return _Loaded(
        posts,
        threads,
        events,
        groups,
        actors,
        opportunities,
        overrides,
        resources,
        moderated,
        reflections,
        warnings,
    )


def _describe_one(
    db: Session, member: Member, notification: Notification, loaded: _Loaded
) -> tuple[str, str, str | None] | None:
    """(text, url, excerpt), or None when the member may not be told."""
    kind = NotificationKind(notification.kind)
    detail: dict[str, Any] = notification.detail or {}
    actor = loaded.actors.get(notification.actor_id or "")
    who = actor.display_name if actor is not None else "A former member"
    subject_id = notification.subject_id

    if notification.subject_type == "post":
        post = loaded.posts.get(subject_id)
        thread = loaded.threads.get(post.thread_id) if post is not None else None
        if post is None or thread is None or not may_be_told_about_post(member, thread, post):
            return None
        title = f"“{thread.title}”"
        url = f"/discussions/p/{post.id}"
        if kind == NotificationKind.NEW_THREAD:
            text = f"{who} started {title}"
        elif kind == NotificationKind.REPLY and notification.merged_count > 1:
            text = f"{notification.merged_count} new replies in {title}, the latest from {who}"
        elif kind == NotificationKind.REPLY:
            text = f"{who} replied in {title}"
        elif kind == NotificationKind.MENTION:
            text = f"{who} mentioned you in {title}"
        elif kind == NotificationKind.ANSWER_ACCEPTED:
            text = f"{who} accepted your reply as the answer to {title}"
        else:
            reactions = len(detail.get("actors", [])) or 1
            verb = (
                "found your post helpful"
                if detail.get("reaction") == "helpful"
                else ("thanked you for your post")
            )
            text = (
                f"{who} {verb} in {title}"
                if reactions == 1
                else f"{reactions} reactions to your post in {title}, most recently from {who}"
            )
        return text, url, _excerpt(post)

    if notification.subject_type == "event":
        event = loaded.events.get(subject_id)
        if event is None or not may_be_told_about_event(member, event):
            return None
        title = f"“{event.title}”"
        url = f"/events/{event.id}"
        if kind == NotificationKind.WAITLIST_PROMOTED:
            text = f"A place came up: you are now booked on {title}, {_when(event.starts_at)}"
        elif kind == NotificationKind.EVENT_CHANGED:
            text = f"{title} has changed: it is now {_when(event.starts_at)}, {_where(event)}"
        elif kind == NotificationKind.EVENT_CANCELLED:
            reason = detail.get("reason") or event.cancel_reason or ""
            text = f"{title} on {_when(event.starts_at)} is cancelled"
            return text, url, f"Reason: {reason}" if reason else None
        elif kind == NotificationKind.EVENT_REMINDER:
            text = f"Reminder: {title} starts {_when(event.starts_at)}, {_where(event)}"
        else:
            status = detail.get("status")
            if status == "waitlisted":
                text = f"You are on the waitlist for {title}"
            elif status == "cancelled" and detail.get("left_waitlist"):
                text = f"You have left the waitlist for {title}"
            elif status == "cancelled":
                text = f"Your booking for {title} is cancelled"
            else:
                text = f"You are booked on {title}, {_when(event.starts_at)}"
        return text, url, None

    if notification.subject_type == "group":
        group = loaded.groups.get(subject_id)
        if group is None or not may_be_told_about_group(db, member, group):
            return None
        url = f"/groups/{group.slug}"
        if kind == NotificationKind.GROUP_INVITATION:
            text = f"{who} invited you to join the group {group.name}"
        else:
            approved = detail.get("decision") == "approved"
            text = f"Your request to join the group {group.name} was " + (
                "approved" if approved else "refused"
            )
            if detail.get("message"):
                text += f": {detail['message']}"
        return text, url, None

    if notification.subject_type == "opportunity":
        opportunity = loaded.opportunities.get(subject_id)
        if opportunity is None or not may_be_told_about_opportunity(member, opportunity):
            return None
        text = (
            f"New opportunity matching your alert: “{opportunity.title}”, "
            f"{opportunity.organisation.name}, {opportunity.kind.label.lower()}, "
            f"closing {opportunity.closing_day_label}"
        )
        return text, f"/opportunities/{opportunity.id}", None

    if notification.subject_type == "guard_override":
        override = loaded.overrides.get(subject_id)
        if override is None or not may_be_told_of_guard_override(
            member, override, loaded.moderated_groups
        ):
            return None
        found = sorted({LABELS.get(item["kind"], item["kind"]) for item in override.findings})
        text = (
            f"{who} saved “{override.subject_label}” anyway after the anonymisation guard "
            f"found {', '.join(found)}. Their reason: "
            f"{REASON_LABELS[override.reason].lower()}"
        )
        return text, f"/moderation/guard#override-{override.id}", None

    if notification.subject_type == "resource":
        resource = loaded.resources.get(subject_id)
        if resource is None or not may_be_told_of_held_resource(member, resource):
            return None
        text = (
            f"The anonymisation guard is holding “{resource.title}”: the file "
            f"“{detail.get('file', '')}” contains {detail.get('labels', 'strong identifiers')}"
        )
        return text, f"/moderation/guard#held-{resource.id}", None

    if notification.subject_type == "cpd_reflection":
        # the entry's title, to the invited colleague or to its member: never its text
        found = loaded.reflections.get(subject_id)
        if found is None or not may_be_told_about_reflection(member, *found):
            return None
        reflection, entry = found
        title = f"“{entry.title}”"
        if kind == NotificationKind.CPD_REFLECTION_REQUEST:
            return (
                f"{who} asked you to reflect with them on {title}",
                (f"/cpd/invitations/{reflection.id}"),
                None,
            )
        verb = "added a note to" if reflection.note is not None else "declined to reflect on"
        return f"{who} {verb} your CPD entry {title}", f"/cpd/{entry.id}", None

    if notification.subject_type == "cpd_year":
        year = registration_year_starting(int(subject_id))
        return (
            f"Your CPD record for {year.label} is not complete yet: record two pieces of CPD, "
            f"one of them discussed with a colleague, by 30 November {year.starts_on.year + 1}",
            "/cpd",
            None,
        )

    if notification.subject_type == "warning":
        warning = loaded.warnings.get(subject_id)
        if warning is None or warning.member_id != member.id:
            return None
        return (
            f"A moderator has warned you about {warning.about}",
            "/moderation/warnings",
            warning.message,
        )

    if notification.subject_type == "member" and kind == NotificationKind.APPLICATION_WAITING:
        applicant = loaded.actors.get(subject_id)
        if applicant is None or not may_review_application(member, applicant):
            return None
        waiting = applicant.status == MemberStatus.PENDING
        text = (
            f"{applicant.display_name} is waiting for approval"
            if waiting
            else f"{applicant.display_name}'s application has been decided"
        )
        href = (
            f"/admin/members/{applicant.id}"
            if may_use_admin_area(member)
            else f"/organisation/applications#applicant-{applicant.id}"
        )
        return text, href, detail.get("reason") if waiting else None

    if notification.subject_type == "member":
        decision = detail.get("decision", "")
        reason = detail.get("reason")
        texts = {
            "approved": "Your membership of the portal is approved: welcome",
            "rejected": "Your request to join the portal was not approved",
            "suspended": "Your account on the portal is suspended",
            "reinstated": "Your account on the portal is active again",
        }
        text = texts.get(decision, "Your membership of the portal has changed")
        if decision == "suspended" and detail.get("until"):
            text += f" until {detail['until']}"
        # the reason is quoted below the line, never run into it (nor into an e-mail's subject)
        return text, "/", f"Reason: {reason}" if reason else None
    return None


def describe(
    db: Session, member: Member, notifications: Sequence[Notification]
) -> list[NotificationItem | None]:
    """One entry per notification, in order; None for those the member may not be told."""
    loaded = _load(db, member, notifications)
    items: list[NotificationItem | None] = []
    for notification in notifications:
        described = (
            _describe_one(db, member, notification, loaded)
            if may_receive_notifications(member, notification.kind)
            else None
        )
        if described is None:
            items.append(None)
            continue
        text, url, excerpt = described
        items.append(
            NotificationItem(
                id=notification.id,
                kind=NotificationKind(notification.kind),
                text=text,
                url=url,
                excerpt=excerpt,
                created_at=notification.created_at,
                updated_at=notification.updated_at,
                read=notification.read_at is not None,
            )
        )
    return items
