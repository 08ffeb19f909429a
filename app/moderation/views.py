"""The audit log for admins: browse with filters, export as CSV."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.db import LONDON
from app.moderation import audit
from app.policy import check_admin_only_permission
from app.web.deps import CurrentMember, DbSession, require_admin
from app.web.pagination import PageRequest, page_request, paginate
from app.web.templating import render

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])


def _day_start(value: date | None) -> datetime | None:
    return datetime.combine(value, time.min, tzinfo=LONDON) if value else None


def audit_filter(
    action: Annotated[str | None, Query(max_length=60)] = None,
    actor: Annotated[str | None, Query(max_length=36)] = None,
    subject: Annotated[str | None, Query(max_length=36)] = None,
    since: Annotated[date | None, Query(alias="from")] = None,
    until: Annotated[date | None, Query(alias="to")] = None,
) -> audit.AuditFilter:
    """Dates are whole days in Europe/London; ``to`` includes its day."""
    return audit.AuditFilter(
        action=action or None,
        actor_id=actor or None,
        subject_member_id=subject or None,
        since=_day_start(since),
        until=_day_start(until + timedelta(days=1)) if until else None,
    )


AuditFilterDep = Annotated[audit.AuditFilter, Depends(audit_filter)]


@router.get("/audit", summary="The audit log")
def audit_log(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    audit_filter: AuditFilterDep,
    page: Annotated[PageRequest, Depends(page_request)],
) -> Response:
    check_admin_only_permission(member)
    entries, total = audit.list_entries(
        db, audit_filter=audit_filter, offset=page.offset, limit=page.size
    )
    query = {key: value for key, value in request.query_params.items() if key != "page"}
    return render(
        request,
        "admin/audit.html",
        {
            "entries": entries,
            "total": total,
            "pager": paginate(page, total, query),
            "query": query,
            "actions": audit.actions_in_use(db),
        },
    )


def audit_csv_response(db: Session, audit_filter: audit.AuditFilter) -> Response:
    body = audit.export_csv(audit.all_entries(db, audit_filter=audit_filter))
    stamp = datetime.now(LONDON).strftime("%Y-%m-%d")
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-log-{stamp}.csv"'},
    )


@router.get("/audit.csv", summary="The audit log as CSV (UTF-8)")
def audit_csv(db: DbSession, member: CurrentMember, audit_filter: AuditFilterDep) -> Response:
    check_admin_only_permission(member)
    return audit_csv_response(db, audit_filter)
