"""Reports and the moderation queue: members report content, moderators handle the reports.

Any member may report a thread, post, resource or event they can see. A member has at most
one open report about the same thing. Handling a report (dismiss, hide, warn the author,
suspend them, remove a spam account, edit out identifying details) closes every open report
about the same content, because the decision is about the content, and is refused on a
report that is already closed. Restoring hidden content is the one action allowed after
that: it undoes a hide. Content is hidden through its own domain service, which writes
the search outbox row in the same transaction, so hidden content leaves search at once.

Every action leaves an audit entry named ``report_<outcome>``; the content services add
their own (``post_hidden``, ``resource_hidden`` ...). Services flush; the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.audit import service as audit
from app.db import utcnow
from app.discussions import service as discussions
from app.discussions.models import Post, Thread
from app.discussions.schemas import PostUpdate
from app.errors import InvalidAction, InvalidInput, NotFound
from app.events import service as events
from app.events.models import Event
from app.guard.service import PassagesFound
from app.members import service as members
from app.members.models import Member, MemberStatus
from app.moderation.models import (
    MemberWarning,
    Report,
    ReportReason,
    ReportStatus,
    ReportTarget,
)
from app.policy import (
    check_act_on_report_permission,
    check_dismiss_report_permission,
    check_moderate_member_permission,
    check_use_moderation_queue_permission,
    check_view_event_permission,
    check_view_report_permission,
    check_view_thread_permission,
    moderated_group_ids,
    visible_reports_filter,
)
from app.policy.discussions import check_view_post_permission
from app.policy.moderation import may_act_on_reports
from app.resources import service as resources
from app.resources.models import Resource, ResourceStatus

NOTE_MAX_LENGTH = 2000
MESSAGE_MAX_LENGTH = 2000


# --- what a report is about ------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    label: str
    url: str
    group_id: str | None
    author_id: str | None


def _thread_target(db: Session, viewer: Member, thread_id: str) -> Target:
    thread = db.get(Thread, thread_id)
    if thread is None:
        raise NotFound("There is no such thread.")
    check_view_thread_permission(viewer, thread)
    return Target(
        label=f"Thread “{thread.title}”"[:200],
        url=f"/discussions/t/{thread.id}",
        group_id=thread.group_id,
        author_id=thread.author_id,
    )


def _post_target(db: Session, viewer: Member, post_id: str) -> Target:
    post = db.get(Post, post_id)
    thread = db.get(Thread, post.thread_id) if post is not None else None
    if post is None or thread is None:
        raise NotFound("There is no such post.")
    check_view_post_permission(viewer, thread, post)
    where = "the opening post" if post.number == 1 else f"reply {post.number - 1}"
    return Target(
        label=f"Post: {where} in “{thread.title}”"[:200],
        url=f"/discussions/p/{post.id}",
        group_id=thread.group_id,
        author_id=post.author_id,
    )


def _resource_target(db: Session, viewer: Member, resource_id: str) -> Target:
    resource = resources.get_resource(db, viewer=viewer, resource_id=resource_id)
    return Target(
        label=f"Resource “{resource.title}”"[:200],
        url=f"/resources/{resource.id}",
        group_id=resource.group_id,
        author_id=resource.owner_id,
    )


def _event_target(db: Session, viewer: Member, event_id: str) -> Target:
    event = db.get(Event, event_id)
    if event is None:
        raise NotFound("There is no such event.")
    check_view_event_permission(viewer, event)
    return Target(
        label=f"Event “{event.title}”"[:200],
        url=f"/events/{event.id}",
        group_id=event.group_id,
        author_id=event.organiser_id,
    )


_TARGETS = {
    ReportTarget.THREAD: _thread_target,
    ReportTarget.POST: _post_target,
    ReportTarget.RESOURCE: _resource_target,
    ReportTarget.EVENT: _event_target,
}


def _parse_kind(kind: str) -> ReportTarget:
    try:
        return ReportTarget(kind)
    except ValueError:
        raise NotFound("There is nothing of that kind to report.") from None


def reportable(db: Session, *, viewer: Member, kind: str, target_id: str) -> Target:
    """What the report form is about; 404 when it does not exist or the member may not
    see it."""
    return _TARGETS[_parse_kind(kind)](db, viewer, target_id)


# --- reporting -------------------------------------------------------------------------------


def _open_report_by(db: Session, reporter: Member, kind: ReportTarget, target_id: str) -> bool:
    return (
        db.execute(
            select(Report.id).where(
                Report.reporter_id == reporter.id,
                Report.target_kind == kind,
                Report.target_id == target_id,
                Report.status == ReportStatus.OPEN,
            )
        ).first()
        is not None
    )


def report_content(
    db: Session, *, actor: Member, kind: str, target_id: str, reason: str, note: str = ""
) -> Report:
    target_kind = _parse_kind(kind)
    target = _TARGETS[target_kind](db, actor, target_id)
    try:
        report_reason = ReportReason(reason)
    except ValueError:
        raise InvalidInput({"reason": "Choose why you are reporting this."}) from None
    cleaned = (note or "").strip()
    if len(cleaned) > NOTE_MAX_LENGTH:
        raise InvalidInput({"note": f"Keep the note under {NOTE_MAX_LENGTH} characters."})
    if report_reason == ReportReason.OTHER and not cleaned:
        raise InvalidInput({"note": "Say what is wrong, so a moderator can judge it."})
    if _open_report_by(db, actor, target_kind, target_id):
        raise InvalidAction(
            "You have already reported this, and a moderator has not handled that report "
            "yet. There is no need to report it again."
        )
    report = Report(
        reporter_id=actor.id,
        target_kind=target_kind,
        target_id=target_id,
        target_label=target.label,
        target_url=target.url,
        group_id=target.group_id,
        author_id=target.author_id,
        reason=report_reason,
        note=cleaned,
        status=ReportStatus.OPEN,
    )
    db.add(report)
    db.flush()
    return report


# --- the queue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    reports: list[Report]
    total: int
    open_count: int
    may_act: bool


QUEUE_STATUSES = ("open", "closed", "all")


def queue(db: Session, *, actor: Member, status: str, offset: int, limit: int) -> Queue:
    groups = moderated_group_ids(db, actor)
    check_use_moderation_queue_permission(actor, groups)
    visible = visible_reports_filter(actor, Report)
    conditions = [visible]
    if status == "open":
        conditions.append(Report.status == ReportStatus.OPEN)
    elif status == "closed":
        conditions.append(Report.status != ReportStatus.OPEN)
    total = db.execute(select(func.count()).select_from(Report).where(*conditions)).scalar_one()
    open_count = db.execute(
        select(func.count()).select_from(Report).where(visible, Report.status == ReportStatus.OPEN)
    ).scalar_one()
    order = Report.created_at if status == "open" else Report.created_at.desc()
    reports = list(
        db.execute(
            select(Report)
            .where(*conditions)
            .options(selectinload(Report.reporter), selectinload(Report.author))
            .order_by(order, Report.id)
            .offset(offset)
            .limit(limit)
        ).scalars()
    )
    return Queue(reports, total, open_count, may_act=may_act_on_reports(actor))


def _load_report(db: Session, actor: Member, report_id: str) -> tuple[Report, frozenset[str]]:
    groups = moderated_group_ids(db, actor)
    check_use_moderation_queue_permission(actor, groups)
    report = db.execute(
        select(Report)
        .where(Report.id == report_id)
        .options(selectinload(Report.reporter), selectinload(Report.author))
    ).scalar_one_or_none()
    if report is None:
        raise NotFound("There is no such report.")
    check_view_report_permission(actor, report, groups)
    return report, groups


@dataclass(frozen=True)
class ReportDetail:
    report: Report
    others: list[Report]
    may_act: bool
    content_hidden: bool


def _content_hidden(db: Session, report: Report) -> bool:
    if report.target_kind == ReportTarget.THREAD:
        thread = db.get(Thread, report.target_id)
        return thread is not None and thread.deleted_at is not None
    if report.target_kind == ReportTarget.POST:
        post = db.get(Post, report.target_id)
        return post is not None and (post.is_hidden or post.is_deleted)
    if report.target_kind == ReportTarget.RESOURCE:
        resource = db.get(Resource, report.target_id)
        return resource is not None and resource.status == ResourceStatus.HIDDEN
    event = db.get(Event, report.target_id)
    return event is not None and event.hidden_reason is not None


def report_detail(db: Session, *, actor: Member, report_id: str) -> ReportDetail:
    report, _groups = _load_report(db, actor, report_id)
    others = list(
        db.execute(
            select(Report)
            .where(
                Report.target_kind == report.target_kind,
                Report.target_id == report.target_id,
                Report.id != report.id,
            )
            .options(selectinload(Report.reporter))
            .order_by(Report.created_at)
        ).scalars()
    )
    return ReportDetail(report, others, may_act_on_reports(actor), _content_hidden(db, report))


def _require_open(report: Report) -> None:
    if not report.is_open:
        raise InvalidAction(
            f"This report was already handled ({report.outcome or report.status.value}); "
            "nothing was changed."
        )


def _close(
    db: Session,
    *,
    actor: Member,
    report: Report,
    outcome: str,
    note: str | None,
    status: ReportStatus = ReportStatus.ACTIONED,
    every_report_by_author: bool = False,
) -> list[Report]:
    """Close ``report`` and every other open report about the same content (or, for a spam
    account, about anything its author wrote), with one audit entry."""
    same = (
        Report.author_id == report.author_id
        if every_report_by_author and report.author_id
        else (Report.target_kind == report.target_kind) & (Report.target_id == report.target_id)
    )
    closing = list(
        db.execute(
            select(Report).where(same, Report.status == ReportStatus.OPEN, Report.id != report.id)
        ).scalars()
    )
    if report.is_open:
        closing.insert(0, report)
    now = utcnow()
    for each in closing:
        each.status, each.outcome = status, outcome
        each.handled_by_id, each.handled_at, each.handled_note = actor.id, now, note
    if report not in closing:  # a restore after the report was closed
        report.outcome, report.handled_by_id, report.handled_at = outcome, actor.id, now
        report.handled_note = note
    db.flush()
    audit.record(
        db,
        actor=actor,
        action=f"report_{outcome}",
        subject=report.author,
        subject_label=report.target_label,
        reason=note,
        after={
            "report_id": report.id,
            "reason": report.reason.value,
            "reports_closed": len(closing),
        },
    )
    return closing


def _required(text: str | None, field: str, what: str, limit: int = MESSAGE_MAX_LENGTH) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidInput({field: what})
    if len(cleaned) > limit:
        raise InvalidInput({field: f"Keep it under {limit} characters."})
    return cleaned


def dismiss(db: Session, *, actor: Member, report_id: str, note: str | None = None) -> Report:
    """Nothing wrong with the content: close the report (and the others about it)."""
    report, groups = _load_report(db, actor, report_id)
    check_dismiss_report_permission(actor, report, groups)
    _require_open(report)
    cleaned = (note or "").strip()[:1000] or None
    _close(
        db,
        actor=actor,
        report=report,
        outcome="dismissed",
        note=cleaned,
        status=ReportStatus.DISMISSED,
    )
    return report


def _opening_post_id(db: Session, thread_id: str) -> str:
    return db.execute(
        select(Post.id).where(Post.thread_id == thread_id, Post.number == 1)
    ).scalar_one()


def _hide_target(db: Session, actor: Member, report: Report, reason: str) -> None:
    """A reported thread is deleted as a whole (its title is content too; staff restore
    it); a post, resource or event is hidden with the reason shown in its place."""
    if report.target_kind == ReportTarget.THREAD:
        post_id = _opening_post_id(db, report.target_id)
        thread = db.get_one(Thread, report.target_id)
        if thread.deleted_at is not None:
            raise InvalidAction("This thread is already removed.")
        discussions.delete_post(db, actor=actor, post_id=post_id, reason=reason)
    elif report.target_kind == ReportTarget.POST:
        discussions.hide_post(db, actor=actor, post_id=report.target_id, reason=reason)
    elif report.target_kind == ReportTarget.RESOURCE:
        resources.hide_resource(db, actor=actor, resource_id=report.target_id, reason=reason)
    else:
        events.hide_event(db, actor=actor, event_id=report.target_id, reason=reason)


def hide(db: Session, *, actor: Member, report_id: str, reason: str | None) -> Report:
    report, groups = _load_report(db, actor, report_id)
    check_act_on_report_permission(actor, report, groups)
    _require_open(report)
    cleaned = _required(reason, "reason", "Give a reason; it is shown in place of the content.")
    _hide_target(db, actor, report, cleaned[:1000])
    _close(db, actor=actor, report=report, outcome="hidden", note=cleaned)
    return report


def restore(db: Session, *, actor: Member, report_id: str, reason: str | None = None) -> Report:
    """Undo a hide; allowed on a closed report, refused when the content is not hidden."""
    report, groups = _load_report(db, actor, report_id)
    check_act_on_report_permission(actor, report, groups)
    cleaned = (reason or "").strip()[:1000] or None
    if report.target_kind == ReportTarget.THREAD:
        discussions.restore_thread(db, actor=actor, thread_id=report.target_id, reason=cleaned)
    elif report.target_kind == ReportTarget.POST:
        discussions.restore_post(db, actor=actor, post_id=report.target_id, reason=cleaned)
    elif report.target_kind == ReportTarget.RESOURCE:
        resources.unhide_resource(db, actor=actor, resource_id=report.target_id, reason=cleaned)
    else:
        events.unhide_event(db, actor=actor, event_id=report.target_id, reason=cleaned)
    _close(db, actor=actor, report=report, outcome="restored", note=cleaned)
    return report


def _author(db: Session, report: Report) -> Member:
    if report.author_id is None:
        raise InvalidAction("The author of this content has no account any more.")
    return db.get_one(Member, report.author_id)


def _warning(
    db: Session, *, actor: Member, member: Member, report: Report, message: str
) -> MemberWarning:
    warning = MemberWarning(
        member_id=member.id,
        issued_by_id=actor.id,
        report_id=report.id,
        about=report.target_label,
        message=message,
    )
    db.add(warning)
    db.flush()
    return warning


def warn_author(db: Session, *, actor: Member, report_id: str, message: str | None) -> Report:
    """A recorded warning; the author reads it at /moderation/warnings."""
    report, groups = _load_report(db, actor, report_id)
    check_act_on_report_permission(actor, report, groups)
    _require_open(report)
    author = _author(db, report)
    check_moderate_member_permission(actor, author, "warn")
    cleaned = _required(message, "message", "Write the warning; the author will read it.")
    _warning(db, actor=actor, member=author, report=report, message=cleaned)
    _close(db, actor=actor, report=report, outcome="warned", note=cleaned)
    return report


def suspend_author(
    db: Session,
    *,
    actor: Member,
    report_id: str,
    reason: str | None,
    until: datetime | None = None,
) -> Report:
    report, groups = _load_report(db, actor, report_id)
    check_act_on_report_permission(actor, report, groups)
    _require_open(report)
    author = _author(db, report)
    members.suspend(db, actor=actor, member_id=author.id, reason=reason, until=until)
    _close(db, actor=actor, report=report, outcome="suspended", note=(reason or "").strip())
    return report


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
    them, in one transaction."""
    report, groups = _load_report(db, actor, report_id)
    check_act_on_report_permission(actor, report, groups)
    _require_open(report)
    author = _author(db, report)
    check_moderate_member_permission(actor, author, "suspend")
    cleaned = _required(reason, "reason", "Give a reason; the member sees it if they sign in.")
    note = cleaned[:1000]

    threads = list(
        db.execute(
            select(Thread.id).where(Thread.author_id == author.id, Thread.deleted_at.is_(None))
        ).scalars()
    )
    for thread_id in threads:
        discussions.delete_post(
            db, actor=actor, post_id=_opening_post_id(db, thread_id), reason=note
        )
    posts = list(
        db.execute(
            select(Post.id)
            .join(Thread, Thread.id == Post.thread_id)
            .where(
                Post.author_id == author.id,
                Post.number > 1,
                Post.hidden_reason.is_(None),
                Post.deleted_at.is_(None),
                Thread.deleted_at.is_(None),
            )
        ).scalars()
    )
    for post_id in posts:
        discussions.hide_post(db, actor=actor, post_id=post_id, reason=note)
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
    return SpamRemoval(report, len(threads), len(posts), len(owned), len(organised), suspended)


def edit_out_details(
    db: Session, *, actor: Member, report_id: str, body: str | None, note: str | None
) -> Report:
    """Replace a reported post's text (a thread: its opening post) through the discussions
    service, so the earlier text stays in the post's revision history for staff, and tell
    the author why in a recorded note."""
    report, groups = _load_report(db, actor, report_id)
    check_act_on_report_permission(actor, report, groups)
    _require_open(report)
    if report.target_kind not in (ReportTarget.POST, ReportTarget.THREAD):
        raise InvalidAction("Only posts and threads can be edited here; hide the content instead.")
    author = _author(db, report)
    message = _required(note, "note", "Tell the author what you changed and why.")
    post_id = (
        report.target_id
        if report.target_kind == ReportTarget.POST
        else _opening_post_id(db, report.target_id)
    )
    try:
        data = PostUpdate(body=(body or "").strip())
    except ValidationError:
        raise InvalidInput({"body": "Enter the post's new text."}) from None
    try:
        discussions.edit_post(db, actor=actor, post_id=post_id, data=data)
    except PassagesFound as found:
        passages = "; ".join(f"“{finding.text}”" for finding in found.findings[:5])
        raise InvalidInput(
            {"body": f"The new text may still identify someone: {passages}."}
        ) from None
    _warning(db, actor=actor, member=author, report=report, message=message)
    _close(db, actor=actor, report=report, outcome="edited", note=message)
    return report


# --- the member's own warnings ---------------------------------------------------------------


def my_warnings(db: Session, *, member: Member) -> list[MemberWarning]:
    return list(
        db.execute(
            select(MemberWarning)
            .where(MemberWarning.member_id == member.id)
            .order_by(MemberWarning.created_at.desc())
        ).scalars()
    )
