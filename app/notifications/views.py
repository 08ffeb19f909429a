"""Notification pages: the list (mark one or all read), e-mail settings, and the
unsubscribe page that e-mail links open without signing in."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.notifications import service
from app.notifications.kinds import KINDS, Delivery, DigestFrequency
from app.notifications.mail import read_unsubscribe_token
from app.notifications.mail_status import email_status
from app.notifications.schemas import NotificationId, PreferencesForm
from app.web.deps import CurrentMember, DbSession, WritingDbSession, require_admin
from app.web.flash import flash
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_pager
from app.web.templating import render

router = APIRouter(tags=["notifications"])
admin_router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])

Show = Literal["all", "unread"]


@router.get("/notifications", summary="Your notifications, newest first")
def notification_list(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    show: Annotated[Show, Query()] = "all",
) -> Response:
    listing = service.list_notifications(
        db, viewer=member, cursor=cursor, limit=PAGE_SIZE, unread_only=show == "unread"
    )
    return render(
        request,
        "notifications/list.html",
        {
            "listing": listing,
            "show": show,
            "pager": cursor_pager(listing.page, {"show": show if show != "all" else None}),
        },
    )


def _back(request: Request, fallback: str = "/notifications") -> str:
    """Back to the list the form was on: a path on this site, never another host."""
    referer = request.headers.get("referer", "")
    base = str(request.base_url).rstrip("/")
    if not referer.startswith(base + "/"):
        return fallback
    path = referer[len(base) :]
    return fallback if path.startswith("//") or "\\" in path else path


@router.post("/notifications/read-all", summary="Mark all your notifications read")
def read_all(request: Request, db: DbSession, member: CurrentMember) -> Response:
    marked = service.mark_all_read(db, viewer=member)
    response = RedirectResponse(_back(request), status_code=303)
    flash(request, response, f"Marked {marked} notification{'s' if marked != 1 else ''} as read.")
    return response


@router.get("/notifications/settings", summary="Choose what you are e-mailed about")
def settings_page(request: Request, db: DbSession, member: CurrentMember) -> Response:
    return _settings_page(request, service.preferences(db, member=member))


def _settings_page(
    request: Request,
    chosen: service.Preferences,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "notifications/settings.html",
        {
            "kinds": {kind: KINDS[kind] for kind in chosen.deliveries},
            "deliveries": [Delivery.IMMEDIATE, Delivery.DIGEST, Delivery.OFF],
            "frequencies": list(DigestFrequency),
            "chosen": chosen,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.post("/notifications/settings", summary="Save what you are e-mailed about")
def save_settings(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    form: Annotated[PreferencesForm, Form()],
) -> Response:
    try:
        service.save_preferences(
            db,
            member=member,
            deliveries=form.deliveries(),
            digest_frequency=form.digest_frequency,
        )
    except InvalidInput as error:
        return _settings_page(
            request, service.preferences(db, member=member), error.errors, status_code=422
        )
    response = RedirectResponse("/notifications/settings", status_code=303)
    flash(request, response, "Your e-mail settings are saved.")
    return response


@router.get("/notifications/{notification_id}", summary="Open a notification (marks it read)")
def open_notification(
    db: WritingDbSession, member: CurrentMember, notification_id: NotificationId
) -> Response:
    target = service.open_notification(db, viewer=member, notification_id=notification_id)
    return RedirectResponse(target, status_code=303)


@router.post("/notifications/{notification_id}/read", summary="Mark one notification read")
def read_one(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    notification_id: NotificationId,
    unread: Annotated[bool, Form()] = False,
) -> Response:
    service.mark_read(db, viewer=member, notification_id=notification_id, read=not unread)
    response = RedirectResponse(_back(request), status_code=303)
    flash(request, response, "Marked as unread." if unread else "Marked as read.")
    return response


# --- unsubscribe, from e-mail links: no sign-in ------------------------------------------


def _unsubscribe_page(request: Request, db: Session, token: str, *, act: bool) -> Response:
    target = read_unsubscribe_token(request.app.state.settings, token)
    if target is None:
        return render(request, "notifications/unsubscribe_invalid.html", status_code=400)
    member_id, kind = target
    what = (service.unsubscribe if act else service.unsubscribe_target)(
        db, member_id=member_id, kind=kind
    )
    return render(
        request, "notifications/unsubscribe.html", {"token": token, "what": what, "done": act}
    )


@router.get("/unsubscribe/{token}", summary="Confirm stopping one kind of e-mail")
def unsubscribe_page(request: Request, db: DbSession, token: str) -> Response:
    return _unsubscribe_page(request, db, token, act=False)


@router.post("/unsubscribe/{token}", summary="Stop one kind of e-mail (also RFC 8058 one-click)")
def unsubscribe(request: Request, db: DbSession, token: str) -> Response:
    return _unsubscribe_page(request, db, token, act=True)


@admin_router.get("/email", summary="E-mail waiting for the SMTP server, and sent lately")
def email_admin(request: Request, db: DbSession, member: CurrentMember) -> Response:
    settings = request.app.state.settings
    return render(
        request,
        "notifications/admin.html",
        {
            "status": email_status(db, actor=member),
            "smtp": {
                "server": f"{settings.smtp_host}:{settings.smtp_port}",
                "security": settings.smtp_security,
                "sender": settings.mail_from,
            },
        },
    )
