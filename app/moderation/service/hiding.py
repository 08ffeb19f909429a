"""Hide the reported content (a thread is deleted as a whole), with the reason shown instead."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.discussions import service as discussions
from app.discussions.models import Thread
from app.errors import InvalidAction
from app.events import service as events
from app.members.models import Member
from app.moderation.models import Report, ReportTarget
from app.moderation.service._common import (
    _close,
    _load_report,
    _opening_post_id,
    _require_open,
    _required,
)
from app.policy import check_act_on_report_permission
from app.resources import service as resources


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
