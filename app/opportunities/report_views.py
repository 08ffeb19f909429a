"""The admins' report on opportunities, as a table and as CSV."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import LONDON
from app.opportunities import report
from app.web.deps import CurrentMember, DbSession
from app.web.templating import render

router = APIRouter(prefix="/admin/opportunities", tags=["opportunities"])


@router.get("/report", summary="Opportunities per organisation and month (admins)")
def report_page(request: Request, db: DbSession, member: CurrentMember) -> Response:
    rows = report.monthly_report(db, actor=member)
    return render(request, "opportunities/report.html", {"rows": rows})


@router.get("/report.csv", summary="The same report as CSV (UTF-8)")
def report_csv(db: DbSession, member: CurrentMember) -> Response:
    body = report.report_csv(report.monthly_report(db, actor=member))
    stamp = datetime.now(LONDON).strftime("%Y-%m-%d")
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="opportunities-{stamp}.csv"'},
    )
