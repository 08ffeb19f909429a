"""A member's drafts in their export. Drafts go with the member's row on erasure
(``ON DELETE CASCADE``), as do files kept for a form shown again (``staged_upload``)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.drafts.models import Draft
from app.privacy.kinds import ExportFile, PersonalData, Row, columns_of


def draft_rows(db: Session, member_id: str) -> Iterator[Row]:
    drafts = select(Draft).where(Draft.member_id == member_id).order_by(Draft.updated_at)
    for draft in db.execute(drafts).scalars():
        yield columns_of(draft, "kind", "title", "fields", "created_at", "updated_at")


PERSONAL_DATA = PersonalData(
    domain="drafts",
    files=(
        ExportFile(
            "drafts.json",
            "Threads, replies and resources you were writing and had not published.",
            draft_rows,
        ),
    ),
)
