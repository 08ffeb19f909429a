"""Reporting: a member reports content they can see, at most one open report each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidAction, InvalidInput
from app.guard.service import GuardSubject, check_before_saving, record_override
from app.members.models import Member
from app.moderation.models import Report, ReportReason, ReportStatus, ReportTarget
from app.moderation.service._common import NOTE_MAX_LENGTH
from app.moderation.service.targets import _TARGETS, _parse_kind


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
    db: Session,
    *,
    actor: Member,
    kind: str,
    target_id: str,
    reason: str,
    note: str = "",
    post_anyway: bool = False,
    guard_reason: str | None = None,
) -> Report:
    """The note goes through the anonymisation guard: it is read by moderators, and a
    passage quoted from the reported content is better described than repeated."""
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
    override = check_before_saving({"note": cleaned}, post_anyway=post_anyway, reason=guard_reason)
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
    subject = GuardSubject(
        type="report",
        id=report.id,
        label=f"Report about {target.label}",
        url=f"/moderation/reports/{report.id}",
        group_id=target.group_id,
    )
    record_override(db, actor=actor, subject=subject, override=override)
    return report
