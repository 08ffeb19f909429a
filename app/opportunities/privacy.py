"""A member's opportunity alerts, the opportunities they clicked "apply" on, and those they
posted. Alerts, clicks and page views go with the member's row; posted opportunities
stay with their organisation (``poster_id`` becomes NULL)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.opportunities.models import ApplyClick, Opportunity, OpportunityAlert
from app.privacy.kinds import ExportFile, PersonalData, Row, columns_of


def opportunity_rows(db: Session, member_id: str) -> Iterator[Row]:
    for opportunity in db.execute(
        select(Opportunity)
        .where(Opportunity.poster_id == member_id)
        .order_by(Opportunity.created_at)
    ).scalars():
        yield {"record": "posted", **columns_of(opportunity, "id", "title", "created_at")}
    clicks = (
        select(ApplyClick, Opportunity.title)
        .join(Opportunity, Opportunity.id == ApplyClick.opportunity_id)
        .where(ApplyClick.member_id == member_id)
        .order_by(ApplyClick.clicked_at)
    )
    for click, title in db.execute(clicks):
        yield {"record": "clicked apply", "title": title, "clicked_at": click.clicked_at}
    for alert in db.execute(
        select(OpportunityAlert).where(OpportunityAlert.member_id == member_id)
    ).scalars():
        yield {
            "record": "alert",
            **columns_of(
                alert, "kind", "practice_area", "location", "closing_within_week", "created_at"
            ),
        }


PERSONAL_DATA = PersonalData(
    domain="opportunities",
    files=(
        ExportFile(
            "opportunities.json",
            'Opportunities you posted, those you clicked "apply" on, and your saved alerts.',
            opportunity_rows,
        ),
    ),
)
