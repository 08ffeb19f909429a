"""Restore hidden content: the one action allowed after a report is closed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.discussions import service as discussions
from app.events import service as events
from app.members.models import Member
from app.moderation.models import Report, ReportTarget
from app.moderation.service._common import _close, _load_report
from app.policy import check_act_on_report_permission
from app.resources import service as resources


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
