"""Reports a member made and warnings they received. Warnings go with the member's row;
reports they made stay for the moderators' record without them (``reporter_id`` becomes
NULL) and without their note, which is their words."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.moderation.models import MemberWarning, Report
from app.privacy.kinds import ErasureContext, ExportFile, PersonalData, Row, columns_of


def report_rows(db: Session, member_id: str) -> Iterator[Row]:
    for report in db.execute(
        select(Report).where(Report.reporter_id == member_id).order_by(Report.created_at)
    ).scalars():
        yield columns_of(
            report,
            "created_at",
            "target_kind",
            "target_id",
            "target_label",
            "reason",
            "note",
            "status",
            "outcome",
            "handled_at",
        )


def warning_rows(db: Session, member_id: str) -> Iterator[Row]:
    for warning in db.execute(
        select(MemberWarning)
        .where(MemberWarning.member_id == member_id)
        .order_by(MemberWarning.created_at)
    ).scalars():
        yield columns_of(warning, "created_at", "about", "message")


def erase(db: Session, context: ErasureContext) -> None:
    db.execute(
        update(Report)
        .where(Report.reporter_id == context.member_id)
        .values(reporter_id=None, note="")
    )


PERSONAL_DATA = PersonalData(
    domain="moderation",
    files=(
        ExportFile("reports_made.json", "The reports you made about content.", report_rows),
        ExportFile("warnings_received.json", "The warnings moderators gave you.", warning_rows),
    ),
    erase=erase,
)
