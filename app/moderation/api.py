"""The audit log as JSON and CSV, for admins; reports and the moderation queue as JSON."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from app.audit import service as audit
from app.members.admin_schemas import AuditEntryOut, AuditPage
from app.moderation import service as reports
from app.moderation.schemas import (
    EditBody,
    MessageBody,
    QueueOut,
    ReasonBody,
    ReportCreate,
    ReportOut,
    SpamRemovalOut,
    SuspendBody,
    WarningOut,
)
from app.moderation.views import AuditFilterDep, audit_csv_response
from app.policy import check_admin_only_permission
from app.security.rate_limits import member_rate_limit
from app.web.deps import CurrentMember, DbSession, require_admin
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_page_fields

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], dependencies=[Depends(require_admin)])


@router.get("/audit", response_model=AuditPage, summary="The audit log, newest first")
def list_audit(
    db: DbSession,
    member: CurrentMember,
    audit_filter: AuditFilterDep,
    cursor: ListCursor,
) -> AuditPage:
    check_admin_only_permission(member)
    entries, total, page = audit.list_entries(
        db, audit_filter=audit_filter, cursor=cursor, limit=PAGE_SIZE
    )
    return AuditPage(
        **cursor_page_fields(page, total, PAGE_SIZE),
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


moderation_router = APIRouter(prefix="/api/v1/moderation", tags=["moderation"])


@moderation_router.post(
    "/reports",
    response_model=ReportOut,
    status_code=201,
    summary="Report content",
    dependencies=[Depends(member_rate_limit("report"))],
)
def create_report(db: DbSession, member: CurrentMember, body: ReportCreate) -> ReportOut:
    report = reports.report_content(
        db,
        actor=member,
        kind=body.kind,
        target_id=body.id,
        reason=body.reason,
        note=body.note,
        post_anyway=body.post_anyway,
        guard_reason=body.guard_reason,
    )
    return ReportOut.model_validate(report)


@moderation_router.get(
    "/reports",
    response_model=QueueOut,
    summary="The moderation queue (moderators, admins and group moderators)",
)
def list_reports(
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    status: Annotated[Literal["open", "closed", "all"], Query()] = "open",
) -> QueueOut:
    found = reports.queue(db, actor=member, status=status, cursor=cursor, limit=PAGE_SIZE)
    return QueueOut(
        **cursor_page_fields(found.page, found.total, PAGE_SIZE),
        open=found.open_count,
        reports=[ReportOut.model_validate(report) for report in found.reports],
    )


@moderation_router.get("/reports/{report_id}", response_model=ReportOut, summary="One report")
def get_report(db: DbSession, member: CurrentMember, report_id: str) -> ReportOut:
    return ReportOut.model_validate(
        reports.report_detail(db, actor=member, report_id=report_id).report
    )


@moderation_router.post("/reports/{report_id}/dismiss", response_model=ReportOut)
def dismiss(db: DbSession, member: CurrentMember, report_id: str, body: ReasonBody) -> ReportOut:
    return ReportOut.model_validate(
        reports.dismiss(db, actor=member, report_id=report_id, note=body.reason)
    )


@moderation_router.post(
    "/reports/{report_id}/hide",
    response_model=ReportOut,
    summary="Hide the content, with a reason shown in its place",
)
def hide(db: DbSession, member: CurrentMember, report_id: str, body: ReasonBody) -> ReportOut:
    return ReportOut.model_validate(
        reports.hide(db, actor=member, report_id=report_id, reason=body.reason)
    )


@moderation_router.post(
    "/reports/{report_id}/restore", response_model=ReportOut, summary="Restore hidden content"
)
def restore(db: DbSession, member: CurrentMember, report_id: str, body: ReasonBody) -> ReportOut:
    return ReportOut.model_validate(
        reports.restore(db, actor=member, report_id=report_id, reason=body.reason)
    )


@moderation_router.post(
    "/reports/{report_id}/warn", response_model=ReportOut, summary="Warn the author"
)
def warn(db: DbSession, member: CurrentMember, report_id: str, body: MessageBody) -> ReportOut:
    return ReportOut.model_validate(
        reports.warn_author(db, actor=member, report_id=report_id, message=body.message)
    )


@moderation_router.post(
    "/reports/{report_id}/suspend", response_model=ReportOut, summary="Suspend the author"
)
def suspend(db: DbSession, member: CurrentMember, report_id: str, body: SuspendBody) -> ReportOut:
    return ReportOut.model_validate(
        reports.suspend_author(
            db, actor=member, report_id=report_id, reason=body.reason, until=body.until
        )
    )


@moderation_router.post(
    "/reports/{report_id}/remove-spam-account",
    response_model=SpamRemovalOut,
    summary="Hide everything the author posted and suspend them",
)
def remove_spam_account(
    db: DbSession, member: CurrentMember, report_id: str, body: ReasonBody
) -> SpamRemovalOut:
    done = reports.remove_spam_account(db, actor=member, report_id=report_id, reason=body.reason)
    return SpamRemovalOut(
        report=ReportOut.model_validate(done.report),
        threads=done.threads,
        posts=done.posts,
        resources=done.resources,
        events=done.events,
        suspended=done.suspended,
    )


@moderation_router.post(
    "/reports/{report_id}/edit",
    response_model=ReportOut,
    summary="Edit identifying details out of a post, with a note to the author",
)
def edit(db: DbSession, member: CurrentMember, report_id: str, body: EditBody) -> ReportOut:
    return ReportOut.model_validate(
        reports.edit_out_details(
            db, actor=member, report_id=report_id, body=body.body, note=body.note
        )
    )


@moderation_router.get(
    "/warnings", response_model=list[WarningOut], summary="The warnings given to you"
)
def my_warnings(db: DbSession, member: CurrentMember) -> list[WarningOut]:
    return [WarningOut.model_validate(w) for w in reports.my_warnings(db, member=member)]
