"""Edit out identifying details: replace the post's text through the discussions service
and tell the author why."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.discussions import service as discussions
from app.discussions.schemas import PostUpdate
from app.errors import InvalidAction, InvalidInput
from app.guard.service import PassagesFound
from app.members.models import Member
from app.moderation.models import Report, ReportTarget
from app.moderation.service._common import (
    _author,
    _close,
    _load_report,
    _opening_post_id,
    _require_open,
    _required,
    _warning,
)
from app.policy import check_act_on_report_permission


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
