"""What handling a report needs whatever the action: loading the report the moderator may
see, refusing a closed one, closing it with the others about the same content (one audit
entry), required text, the content's author, a recorded warning."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.audit import service as audit
from app.db import utcnow
from app.discussions.models import Post
from app.errors import InvalidAction, InvalidInput, NotFound
from app.members.models import Member
from app.moderation.models import MemberWarning, Report, ReportStatus
from app.policy import (
    check_use_moderation_queue_permission,
    check_view_report_permission,
    moderated_group_ids,
)

NOTE_MAX_LENGTH = 2000


MESSAGE_MAX_LENGTH = 2000


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


def _opening_post_id(db: Session, thread_id: str) -> str:
    return db.execute(
        select(Post.id).where(Post.thread_id == thread_id, Post.number == 1)
    ).scalar_one()


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
