"""The partnership's report: per organisation and month (London time), how many
opportunities were posted, how many members read them (once per member, opportunity and
day) and how many members clicked "apply" (once per member and opportunity).

Views are recorded after the page is answered, in a transaction of their own
(``record_page_view``), so the GET's unit of work writes nothing and a failure to count
never costs the reader their page."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from app.audit.csv import csv_safe
from app.db import LONDON, new_id, transaction
from app.members.models import Member, Organisation
from app.opportunities import clock
from app.opportunities.models import ApplyClick, Opportunity, OpportunityPageView
from app.policy.opportunities import check_use_opportunity_report_permission

CSV_HEADER = ("Organisation", "Month", "Posted", "Views", "Apply clicks")


@dataclass(frozen=True)
class ReportRow:
    organisation: str
    month: str
    """YYYY-MM, London time."""
    posted: int
    views: int
    apply_clicks: int


def record_page_view(
    factory: sessionmaker[Session], *, opportunity_id: str, member_id: str
) -> None:
    """Count a read once per member, opportunity and London day; a second read that day
    (or two at once) is ignored by the database itself."""
    with transaction(factory) as db:
        insert = postgresql_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.execute(
            insert(OpportunityPageView)
            .values(
                id=new_id(),
                opportunity_id=opportunity_id,
                member_id=member_id,
                day=clock.london_today().isoformat(),
            )
            .on_conflict_do_nothing(index_elements=["opportunity_id", "member_id", "day"])
        )


def _month(at: datetime) -> str:
    return at.astimezone(LONDON).strftime("%Y-%m")


def monthly_report(db: Session, *, actor: Member) -> list[ReportRow]:
    """Three grouped reads and one for names, whatever the number of organisations."""
    check_use_opportunity_report_permission(actor)
    posted: Counter[tuple[str, str]] = Counter(
        (organisation_id, _month(created_at))
        for organisation_id, created_at in db.execute(
            select(Opportunity.organisation_id, Opportunity.created_at)
        )
    )
    clicks: Counter[tuple[str, str]] = Counter(
        (organisation_id, _month(clicked_at))
        for organisation_id, clicked_at in db.execute(
            select(Opportunity.organisation_id, ApplyClick.clicked_at).join(
                Opportunity, Opportunity.id == ApplyClick.opportunity_id
            )
        )
    )
    month_of_day = func.substr(OpportunityPageView.day, 1, 7)
    views = {
        (organisation_id, month): count
        for organisation_id, month, count in db.execute(
            select(Opportunity.organisation_id, month_of_day, func.count())
            .join(Opportunity, Opportunity.id == OpportunityPageView.opportunity_id)
            .group_by(Opportunity.organisation_id, month_of_day)
        )
    }
    keys = set(posted) | set(clicks) | set(views)
    names: dict[str, str] = {
        organisation_id: name
        for organisation_id, name in db.execute(
            select(Organisation.id, Organisation.name).where(
                Organisation.id.in_({organisation_id for organisation_id, _ in keys})
            )
        )
    }
    rows = [
        ReportRow(
            organisation=names.get(organisation_id, "(removed)"),
            month=month,
            posted=posted[(organisation_id, month)],
            views=views.get((organisation_id, month), 0),
            apply_clicks=clicks[(organisation_id, month)],
        )
        for organisation_id, month in keys
    ]
    return sorted(rows, key=lambda row: (row.month, row.organisation))


def report_csv(rows: list[ReportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            (
                csv_safe(row.organisation),
                row.month,
                row.posted,
                row.views,
                row.apply_clicks,
            )
        )
    return out.getvalue()
