"""Suspend the author, through the members service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.members import service as members
from app.members.models import Member
from app.moderation.models import Report
from app.moderation.service._common import _author, _close, _load_report, _require_open
from app.policy import check_act_on_report_permission


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
