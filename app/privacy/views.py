"""Privacy pages: "Your data" (export, close your account), the privacy page, and the
admin's pages for requests, erasure and retention."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.auth.service import BROWSER_COOKIE as SIGN_IN_COOKIE
from app.config import Settings
from app.db import utcnow
from app.errors import Forbidden, InvalidAction, NotFound
from app.members.models import Member
from app.policy.privacy import check_manage_members_data_permission
from app.privacy import service
from app.privacy.erasure import ErasureChoices, erase_member
from app.privacy.forms import ClosureForm, ErasureForm
from app.privacy.retention import RULES, last_runs
from app.privacy.service import ExportRequest
from app.security.sessions import session_cookie_name
from app.web.deps import CurrentMember, DbSession, SettingsDep, require_admin
from app.web.flash import FLASH_COOKIE, flash
from app.web.forms import field_errors as form_errors
from app.web.templating import render

router = APIRouter(tags=["privacy"])
admin_router = APIRouter(
    prefix="/admin/privacy", tags=["admin"], dependencies=[Depends(require_admin)]
)

CHUNK = 64 * 1024


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def export_response(request: Request, answer: ExportRequest, back_to: str) -> Response:
    """The archive, streamed from its temporary file; or, when the worker builds it, back to
    the page that lists it."""
    if answer.file is None:
        response = RedirectResponse(back_to, status_code=303)
        flash(
            request,
            response,
            "The export is large, so it is being prepared. It will be listed here to "
            "download when it is ready.",
        )
        return response
    name = service.file_name(answer.member, utcnow())
    return StreamingResponse(
        _chunks(answer.file),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Length": str(answer.size),
        },
    )


def _data_page(
    request: Request,
    db: Session,
    member: Member,
    *,
    errors: dict[str, str] | None = None,
    reason: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "privacy/your_data.html",
        {
            "exports": service.list_exports(db, actor=member, member_id=member.id),
            "closure": service.closure_request(db, member),
            "errors": errors or {},
            "reason": reason,
        },
        status_code=status_code,
    )


@router.get("/account/data", response_class=HTMLResponse, summary="Your data")
def your_data(request: Request, db: DbSession, member: CurrentMember) -> HTMLResponse:
    return _data_page(request, db, member)


@router.post("/account/data/export", summary="Download your data (a ZIP)")
def export_own_data(
    request: Request, db: DbSession, member: CurrentMember, settings: SettingsDep
) -> Response:
    answer = service.request_export(
        db,
        actor=member,
        member_id=member.id,
        storage=request.app.state.file_storage,
        settings=settings,
    )
    return export_response(request, answer, "/account/data")


@router.get("/account/data/exports/{export_id}", summary="Download an export the portal built")
def download_export(
    db: DbSession, member: CurrentMember, settings: SettingsDep, export_id: str
) -> FileResponse:
    export, path = service.export_download(db, actor=member, export_id=export_id, settings=settings)
    return FileResponse(
        path,
        media_type="application/zip",
        filename=f"portal-data-{export.member_id[:8]}-{export.created_at:%Y%m%d}.zip",
    )


@router.post("/account/close", response_class=HTMLResponse, summary="Ask to close your account")
def ask_to_close(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        form = ClosureForm(reason=reason)
        service.request_closure(db, actor=member, reason=form.reason)
    except ValidationError as error:
        return _data_page(
            request, db, member, errors=form_errors(error), reason=reason, status_code=422
        )
    except (InvalidAction, Forbidden) as error:
        status = 403 if isinstance(error, Forbidden) else 409
        return _data_page(
            request, db, member, errors={"reason": str(error)}, reason=reason, status_code=status
        )
    response = RedirectResponse("/account/data", status_code=303)
    flash(request, response, "Your request has been sent to the admins.")
    return response


@router.post("/account/close/withdraw", summary="Withdraw your request to close your account")
def withdraw_closure(request: Request, db: DbSession, member: CurrentMember) -> Response:
    try:
        service.withdraw_closure(db, actor=member)
    except InvalidAction as error:
        response = RedirectResponse("/account/data", status_code=303)
        flash(request, response, str(error), "error")
        return response
    response = RedirectResponse("/account/data", status_code=303)
    flash(request, response, "Your request to close your account was withdrawn.")
    return response


@router.get("/privacy", response_class=HTMLResponse, summary="What the portal keeps, and why")
def privacy_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    return render(request, "privacy/privacy.html", privacy_facts(settings))


def privacy_facts(settings: Settings) -> dict[str, object]:
    return {
        "rules": [(rule, rule.days(settings)) for rule in RULES],
        "session_hours": settings.session_absolute_hours,
        "idle_minutes": settings.session_idle_minutes,
        "cookies": _cookies(settings),
    }


def _cookies(settings: Settings) -> list[tuple[str, str, str]]:
    return [
        (
            session_cookie_name(settings),
            "Keeps you signed in. It holds a random identifier, nothing about you.",
            f"Until you sign out, {settings.session_idle_minutes} minutes without activity, "
            f"or {settings.session_absolute_hours} hours at most.",
        ),
        (
            SIGN_IN_COOKIE,
            "Ties a sign-in at your organisation's provider to this browser, so nobody else "
            "can finish it.",
            "Until you are signed in, 15 minutes at most.",
        ),
        (
            FLASH_COOKIE,
            'Carries a message such as "Your profile has been saved" to the next page.',
            "A minute.",
        ),
    ]


# --- admin --------------------------------------------------------------------------------


def _admin_page(
    request: Request,
    db: Session,
    member: Member,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    check_manage_members_data_permission(member)
    settings: Settings = request.app.state.settings
    runs = last_runs(db)
    return render(
        request,
        "privacy/admin.html",
        {
            "closures": service.pending_closures(db, actor=member),
            "retention": [(rule, rule.days(settings), runs.get(rule.name)) for rule in RULES],
            "errors": errors or {},
            "current": "privacy",
        },
        status_code=status_code,
    )


@admin_router.get("", response_class=HTMLResponse, summary="Members' data: requests, retention")
def privacy_admin(request: Request, db: DbSession, member: CurrentMember) -> HTMLResponse:
    return _admin_page(request, db, member)


def _member_page(
    request: Request,
    db: Session,
    actor: Member,
    member_id: str,
    *,
    form: ErasureForm | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    check_manage_members_data_permission(actor)
    subject = db.get(Member, member_id)
    if subject is None:
        raise NotFound("There is no such member.")
    return render(
        request,
        "privacy/admin_member.html",
        {
            "subject": subject,
            "closure": service.closure_request(db, subject),
            "exports": service.list_exports(db, actor=actor, member_id=subject.id),
            "form": form or ErasureForm(),
            "errors": errors or {},
            "current": "privacy",
        },
        status_code=status_code,
    )


@admin_router.get(
    "/members/{member_id}", response_class=HTMLResponse, summary="One member's data rights"
)
def member_data(
    request: Request, db: DbSession, member: CurrentMember, member_id: str
) -> HTMLResponse:
    return _member_page(request, db, member, member_id)


@admin_router.post("/members/{member_id}/export", summary="Export a member's data (audited)")
def export_member_data(
    request: Request, db: DbSession, member: CurrentMember, settings: SettingsDep, member_id: str
) -> Response:
    answer = service.request_export(
        db,
        actor=member,
        member_id=member_id,
        storage=request.app.state.file_storage,
        settings=settings,
    )
    return export_response(request, answer, f"/admin/privacy/members/{member_id}")


@admin_router.post("/members/{member_id}/erase", summary="Erase a member")
def erase(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    settings: SettingsDep,
    member_id: str,
    remove_content: Annotated[bool, Form()] = False,
    resources: Annotated[str, Form()] = "organisation",
    reason: Annotated[str, Form()] = "",
    confirm: Annotated[bool, Form()] = False,
) -> Response:
    try:
        form = ErasureForm.model_validate(
            {
                "remove_content": remove_content,
                "resources": resources,
                "reason": reason,
                "confirm": confirm,
            }
        )
    except ValidationError as error:
        return _member_page(
            request, db, member, member_id, errors=form_errors(error), status_code=422
        )
    if not form.confirm:
        return _member_page(
            request,
            db,
            member,
            member_id,
            form=form,
            errors={"confirm": "Tick the box to confirm: erasing cannot be undone."},
            status_code=422,
        )
    try:
        erasure = erase_member(
            db,
            actor=member,
            member_id=member_id,
            choices=ErasureChoices(
                remove_content=form.remove_content,
                resources=form.resources,
                reason=form.reason.strip() or None,
                on_request=True,
            ),
            reminder_hours=settings.event_reminder_hours,
            exports_dir=settings.data_dir / "exports",
        )
    except (Forbidden, InvalidAction) as error:
        return _member_page(
            request,
            db,
            member,
            member_id,
            form=form,
            errors={"confirm": str(error)},
            status_code=403 if isinstance(error, Forbidden) else 409,
        )
    response = RedirectResponse("/admin/privacy", status_code=303)
    flash(
        request, response, f"The member was erased. The audit log names them {erasure.pseudonym}."
    )
    return response


@admin_router.post("/closures/{member_id}/decline", summary="Decline a request to close")
def decline(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    member_id: str,
    reason: Annotated[str, Form()] = "",
) -> Response:
    if not reason.strip():
        return _admin_page(
            request,
            db,
            member,
            errors={"reason": "Say why the request is declined."},
            status_code=422,
        )
    service.decline_closure(db, actor=member, member_id=member_id, reason=reason.strip()[:2000])
    response = RedirectResponse("/admin/privacy", status_code=303)
    flash(request, response, "The request was declined.")
    return response
