"""The audit log for admins (browse with filters, export as CSV), and the moderation pages:
the report form for every member, the queue under /moderation/reports for moderators,
admins and group moderators, and each member's own warnings at /moderation/warnings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.db import LONDON
from app.errors import Forbidden, InvalidAction, InvalidInput
from app.guard.forms import form_refusal_context, refusal_status
from app.guard.service import PassagesFound
from app.members.models import Member
from app.moderation import service as reports
from app.moderation.models import REASON_LABELS
from app.policy import check_admin_only_permission
from app.security.rate_limits import RateLimited, check_member_rate
from app.web.deps import CurrentMember, DbSession, require_admin
from app.web.flash import flash
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_pager
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
    cursor: ListCursor,
) -> Response:
    check_admin_only_permission(member)
    entries, total, page = audit.list_entries(
        db, audit_filter=audit_filter, cursor=cursor, limit=PAGE_SIZE
    )
    query = {
        key: value
        for key, value in request.query_params.items()
        if key not in ("page", "after", "before")
    }
    return render(
        request,
        "admin/audit.html",
        {
            "entries": entries,
            "total": total,
            "pager": cursor_pager(page, dict(query)),
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


moderation_router = APIRouter(prefix="/moderation", tags=["moderation"])
Text = Annotated[str | None, Form(max_length=20_000)]
REASON_CHOICES = [(reason.value, label) for reason, label in REASON_LABELS.items()]


def _report_form(
    request: Request,
    db: Session,
    member: Member,
    kind: str,
    target_id: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    refusal: PassagesFound | None = None,
    status_code: int = 200,
) -> Response:
    target = reports.reportable(db, viewer=member, kind=kind, target_id=target_id)
    return render(
        request,
        "moderation/report.html",
        {
            "target": target,
            "kind": kind,
            "target_id": target_id,
            "reasons": REASON_CHOICES,
            "values": values or {},
            "errors": errors or {},
            **form_refusal_context(refusal, values or {}, {"note": "note"}),
        },
        status_code=status_code,
    )


@moderation_router.get("/report", summary="The form to report a thread, post, resource or event")
def report_form(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    kind: Annotated[str, Query(max_length=20)],
    id: Annotated[str, Query(max_length=36)],
) -> Response:
    return _report_form(request, db, member, kind, id)


@moderation_router.post("/report", summary="Report content to the moderators")
def report(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    kind: Annotated[str, Form(max_length=20)],
    id: Annotated[str, Form(max_length=36)],
    reason: Annotated[str, Form(max_length=20)] = "",
    note: Text = None,
    post_anyway: Annotated[str, Form(max_length=1)] = "",
    guard_reason: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    values = {"reason": reason, "note": note or "", "guard_reason": guard_reason}
    try:
        check_member_rate(request, "report")
        created = reports.report_content(
            db,
            actor=member,
            kind=kind,
            target_id=id,
            reason=reason,
            note=note or "",
            post_anyway=post_anyway == "1",
            guard_reason=guard_reason or None,
        )
    except PassagesFound as found:
        return _report_form(
            request,
            db,
            member,
            kind,
            id,
            values=values,
            refusal=found,
            status_code=refusal_status(found),
        )
    except InvalidInput as error:
        return _report_form(
            request, db, member, kind, id, values=values, errors=error.errors, status_code=422
        )
    except RateLimited as error:
        response = _report_form(
            request,
            db,
            member,
            kind,
            id,
            values=values,
            errors={"note": str(error)},
            status_code=429,
        )
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    except InvalidAction as error:
        return _report_form(
            request,
            db,
            member,
            kind,
            id,
            values=values,
            errors={"form": str(error)},
            status_code=409,
        )
    response = RedirectResponse(created.target_url, status_code=303)
    flash(request, response, "Thank you. Your report has gone to the moderators.")
    return response


@moderation_router.get("/guard", summary="Posted anyway, and files the guard holds")
def guard_queue_page(request: Request, db: DbSession, member: CurrentMember) -> Response:
    return render(
        request, "moderation/guard.html", {"queue": reports.guard_queue(db, actor=member)}
    )


def _guard_act(request: Request, action: Callable[[], Any], done: str) -> Response:
    response = RedirectResponse("/moderation/guard", status_code=303)
    try:
        action()
    except InvalidAction as error:
        flash(request, response, str(error), "error")
        return response
    flash(request, response, done)
    return response


@moderation_router.post("/guard/{override_id}/confirm", summary="Confirm an item posted anyway")
def confirm_override(
    request: Request, db: DbSession, member: CurrentMember, override_id: str, reason: Text = None
) -> Response:
    return _guard_act(
        request,
        lambda: reports.review_override(
            db, actor=member, override_id=override_id, outcome="confirmed", note=reason
        ),
        "Confirmed: the item stays as it is.",
    )


@moderation_router.post(
    "/guard/{override_id}/edited", summary="Record that the passages were edited out"
)
def edited_out_override(
    request: Request, db: DbSession, member: CurrentMember, override_id: str, reason: Text = None
) -> Response:
    return _guard_act(
        request,
        lambda: reports.review_override(
            db, actor=member, override_id=override_id, outcome="edited_out", note=reason
        ),
        "Recorded: the passages were edited out.",
    )


@moderation_router.post("/held/{resource_id}/clear", summary="Clear a file the guard held")
def clear_held(
    request: Request, db: DbSession, member: CurrentMember, resource_id: str, reason: Text = None
) -> Response:
    return _guard_act(
        request,
        lambda: reports.clear_held_resource(
            db, actor=member, resource_id=resource_id, reason=reason
        ),
        "The resource is published again.",
    )


@moderation_router.get("/reports", summary="The moderation queue")
def queue_page(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    status: Annotated[Literal["open", "closed", "all"], Query()] = "open",
) -> Response:
    found = reports.queue(db, actor=member, status=status, cursor=cursor, limit=PAGE_SIZE)
    return render(
        request,
        "moderation/queue.html",
        {
            "queue": found,
            "status": status,
            "pager": cursor_pager(found.page, {"status": status}),
        },
    )


def _report_page(
    request: Request,
    db: Session,
    member: Member,
    report_id: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    detail = reports.report_detail(db, actor=member, report_id=report_id)
    return render(
        request,
        "moderation/report_detail.html",
        {
            "detail": detail,
            "report": detail.report,
            "errors": errors or {},
            "values": values or {},
        },
        status_code=status_code,
    )


@moderation_router.get("/reports/{report_id}", summary="One report, with the actions on it")
def report_page(request: Request, db: DbSession, member: CurrentMember, report_id: str) -> Response:
    return _report_page(request, db, member, report_id)


def _act(
    request: Request,
    db: Session,
    member: Member,
    report_id: str,
    action: Callable[[], Any],
    done: str,
    values: dict[str, str],
    form: str = "",
) -> Response:
    """Run one queue action; on refusal roll back and show the report with the reason. A
    ``reason`` error is shown beside the form it came from (``form``_reason)."""
    try:
        action()
    except InvalidInput as error:
        errors = {
            (f"{form}_reason" if field == "reason" and form else field): message
            for field, message in error.errors.items()
        }
        return _report_page(
            request, db, member, report_id, errors=errors, values=values, status_code=422
        )
    except (InvalidAction, Forbidden) as error:
        return _report_page(
            request,
            db,
            member,
            report_id,
            errors={"action": str(error)},
            values=values,
            status_code=403 if isinstance(error, Forbidden) else 409,
        )
    response = RedirectResponse(f"/moderation/reports/{report_id}", status_code=303)
    flash(request, response, done)
    return response


@moderation_router.post("/reports/{report_id}/dismiss", summary="Dismiss a report")
def dismiss(
    request: Request, db: DbSession, member: CurrentMember, report_id: str, reason: Text = None
) -> Response:
    return _act(
        request,
        db,
        member,
        report_id,
        lambda: reports.dismiss(db, actor=member, report_id=report_id, note=reason),
        "The report is dismissed.",
        {"dismiss_reason": reason or ""},
        form="dismiss",
    )


@moderation_router.post("/reports/{report_id}/hide", summary="Hide the reported content")
def hide(
    request: Request, db: DbSession, member: CurrentMember, report_id: str, reason: Text = None
) -> Response:
    return _act(
        request,
        db,
        member,
        report_id,
        lambda: reports.hide(db, actor=member, report_id=report_id, reason=reason),
        "The content is hidden.",
        {"hide_reason": reason or ""},
        form="hide",
    )


@moderation_router.post("/reports/{report_id}/restore", summary="Restore hidden content")
def restore(
    request: Request, db: DbSession, member: CurrentMember, report_id: str, reason: Text = None
) -> Response:
    return _act(
        request,
        db,
        member,
        report_id,
        lambda: reports.restore(db, actor=member, report_id=report_id, reason=reason),
        "The content is restored.",
        {},
    )


@moderation_router.post("/reports/{report_id}/warn", summary="Warn the author")
def warn(
    request: Request, db: DbSession, member: CurrentMember, report_id: str, message: Text = None
) -> Response:
    return _act(
        request,
        db,
        member,
        report_id,
        lambda: reports.warn_author(db, actor=member, report_id=report_id, message=message),
        "The author is warned.",
        {"message": message or ""},
    )


@moderation_router.post("/reports/{report_id}/suspend", summary="Suspend the author")
def suspend(
    request: Request, db: DbSession, member: CurrentMember, report_id: str, reason: Text = None
) -> Response:
    return _act(
        request,
        db,
        member,
        report_id,
        lambda: reports.suspend_author(db, actor=member, report_id=report_id, reason=reason),
        "The author is suspended.",
        {"suspend_reason": reason or ""},
        form="suspend",
    )


@moderation_router.post(
    "/reports/{report_id}/remove-spam-account",
    summary="Hide everything the author posted and suspend them",
)
def remove_spam_account(
    request: Request, db: DbSession, member: CurrentMember, report_id: str, reason: Text = None
) -> Response:
    return _act(
        request,
        db,
        member,
        report_id,
        lambda: reports.remove_spam_account(db, actor=member, report_id=report_id, reason=reason),
        "Everything the account posted is hidden and the account is suspended.",
        {"spam_reason": reason or ""},
        form="spam",
    )


@moderation_router.post(
    "/reports/{report_id}/edit", summary="Edit identifying details out of a post"
)
def edit(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    report_id: str,
    body: Text = None,
    note: Text = None,
) -> Response:
    return _act(
        request,
        db,
        member,
        report_id,
        lambda: reports.edit_out_details(
            db, actor=member, report_id=report_id, body=body, note=note
        ),
        "The post is edited and the author has your note.",
        {"body": body or "", "note": note or ""},
    )


@moderation_router.get("/warnings", summary="The warnings moderators have given you")
def warnings_page(request: Request, db: DbSession, member: CurrentMember) -> Response:
    return render(
        request, "moderation/warnings.html", {"warnings": reports.my_warnings(db, member=member)}
    )
