"""The audit log as JSON and CSV, for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from app.members.admin_schemas import AuditEntryOut, AuditPage
from app.moderation import audit
from app.moderation.views import AuditFilterDep, audit_csv_response
from app.policy import check_admin_only_permission
from app.web.deps import CurrentMember, DbSession, require_admin
from app.web.pagination import PageRequest, page_request

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], dependencies=[Depends(require_admin)])


@router.get("/audit", response_model=AuditPage, summary="The audit log, newest first")
def list_audit(
    db: DbSession,
    member: CurrentMember,
    audit_filter: AuditFilterDep,
    page: Annotated[PageRequest, Depends(page_request)],
) -> AuditPage:
    check_admin_only_permission(member)
    entries, total = audit.list_entries(
        db, audit_filter=audit_filter, offset=page.offset, limit=page.size
    )
    return AuditPage(
        total=total,
        offset=page.offset,
        limit=page.size,
        entries=[AuditEntryOut.model_validate(entry) for entry in entries],
    )


@router.get(
    "/audit.csv",
    summary="The audit log as CSV (UTF-8 with a byte-order mark)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_audit(db: DbSession, member: CurrentMember, audit_filter: AuditFilterDep) -> Response:
    check_admin_only_permission(member)
    return audit_csv_response(db, audit_filter)
