"""Dismiss: nothing wrong with the content."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.members.models import Member
from app.moderation.models import Report, ReportStatus
from app.moderation.service._common import _close, _load_report, _require_open
from app.policy import check_dismiss_report_permission


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
