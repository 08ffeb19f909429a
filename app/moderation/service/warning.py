"""Warn the author: a recorded warning they read at /moderation/warnings, and are told of
(in the portal and by e-mail)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.members.models import Member
from app.moderation.models import Report
from app.moderation.service._common import (
    _author,
    _close,
    _load_report,
    _require_open,
    _required,
    _warning,
)
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.policy import check_act_on_report_permission, check_moderate_member_permission


def warn_author(db: Session, *, actor: Member, report_id: str, message: str | None) -> Report:
    """A recorded warning; the author reads it at /moderation/warnings."""
    report, groups = _load_report(db, actor, report_id)
    check_act_on_report_permission(actor, report, groups)
    _require_open(report)
    author = _author(db, report)
    check_moderate_member_permission(actor, author, "warn")
    cleaned = _required(message, "message", "Write the warning; the author will read it.")
    warning = _warning(db, actor=actor, member=author, report=report, message=cleaned)
    announce(
        db,
        parts=[(NotificationKind.WARNING_GIVEN, audiences.members(author.id))],
        subject_type="warning",
        subject_id=warning.id,
    )
    _close(db, actor=actor, report=report, outcome="warned", note=cleaned)
    return report
