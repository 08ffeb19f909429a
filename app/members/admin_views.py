"""The admin area's member pages: list, detail and one POST route per action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from app.db import LONDON
from app.errors import Forbidden, InvalidAction, InvalidInput
from app.members import organisations as organisation_service
from app.members import service
from app.members.models import Member, MemberRole, MemberStatus, OrganisationKind
from app.policy import check_admin_only_permission, check_use_admin_area_permission
from app.policy.members import (
    RESPONSIBILITIES,
    may_change_responsibility,
    responsibilities,
    responsibility_label,
)
from app.web.deps import CurrentMember, DbSession, require_admin, require_staff
from app.web.flash import flash
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_pager
from app.web.templating import render

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_staff)])
Reason = Annotated[str | None, Form()]


@router.get("", summary="Admin area")
def admin_home(member: CurrentMember) -> RedirectResponse:
    check_use_admin_area_permission(member)
    return RedirectResponse("/admin/members", status_code=303)


def _enum_or_none(enum_class: Any, value: str | None) -> Any:
    try:
        return enum_class(value) if value else None
    except ValueError:
        return None


@router.get("/members", summary="Members, with filters")
def members_list(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    status: Annotated[str | None, Query()] = None,
    organisation: Annotated[str | None, Query()] = None,
    role: Annotated[str | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    member_filter = service.MemberFilter(
        status=_enum_or_none(MemberStatus, status),
        organisation_id=organisation or None,
        role=_enum_or_none(MemberRole, role),
        query=q or None,
    )
    members, total, page = service.list_members(
        db, actor=member, member_filter=member_filter, cursor=cursor, limit=PAGE_SIZE
    )
    filters = {"status": status, "organisation": organisation, "role": role, "q": q}
    return render(
        request,
        "admin/members.html",
        {
            "members": members,
            "role_tags": {subject.id: _role_tag(subject) for subject in members},
            "total": total,
            "pager": cursor_pager(page, filters),
            "filters": filters,
            "statuses": list(MemberStatus),
            "roles": list(MemberRole),
            "organisations": service.organisations(db),
            "pending": service.pending_count(db),
        },
    )


_TAG_COLOURS = {"admin": "purple", "moderator": "blue"}


def _role_tag(subject: Member) -> tuple[str, str] | None:
    """The list's tag (label, colour) for an admin or a moderator."""
    tagged = [flag for flag in responsibilities(subject) if flag in _TAG_COLOURS]
    return (tagged[0].capitalize(), _TAG_COLOURS[tagged[0]]) if tagged else None


def _detail_page(
    request: Request,
    db: Session,
    actor: Member,
    member_id: str,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    detail = service.admin_member_detail(db, actor=actor, member_id=member_id)
    held = responsibilities(detail.member)
    return render(
        request,
        "admin/member.html",
        {
            "detail": detail,
            "subject": detail.member,
            "subject_roles": [responsibility_label(flag).capitalize() for flag in held],
            "responsibility_buttons": [
                (flag, responsibility_label(flag), flag in held)
                for flag in RESPONSIBILITIES
                if may_change_responsibility(actor, flag)
            ],
            "roles": list(MemberRole),
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/members/{member_id}", summary="One member, what their IdP said, and actions")
def member_detail(
    request: Request, db: DbSession, member: CurrentMember, member_id: str
) -> Response:
    return _detail_page(request, db, member, member_id)


def _act(
    request: Request,
    db: Session,
    actor: Member,
    member_id: str,
    action: Callable[[], Member],
    done: str,
) -> Response:
    """Run one action; on refusal roll back and show the member page with the reason."""
    try:
        subject = action()
    except InvalidInput as error:
        return _detail_page(request, db, actor, member_id, errors=error.errors, status_code=422)
    except (InvalidAction, Forbidden) as error:
        status = 403 if isinstance(error, Forbidden) else 409
        return _detail_page(
            request, db, actor, member_id, errors={"action": str(error)}, status_code=status
        )
    response = RedirectResponse(f"/admin/members/{subject.id}", status_code=303)
    flash(request, response, done.format(name=subject.display_name))
    return response


ReasonOnlyAction = Callable[..., Member]
REASON_ONLY_ACTIONS: dict[str, tuple[ReasonOnlyAction, str, str]] = {
    "approve": (service.approve, "Approve a pending member", "{name} is now a member."),
    "reject": (
        service.reject,
        "Reject a pending member, with a reason they see",
        "{name}'s application was rejected.",
    ),
    "reinstate": (
        service.reinstate,
        "Reinstate a suspended or departed member",
        "{name} is reinstated.",
    ),
    "leave": (
        service.mark_left,
        "Record that a member has left",
        "{name} is recorded as having left.",
    ),
    "link": (
        service.link_identity,
        "Link a waiting sign-in to the member who holds its e-mail address",
        "The sign-in now belongs to {name}.",
    ),
}


def _reason_only_route(action: ReasonOnlyAction, done: str) -> Callable[..., Response]:
    def route(
        request: Request,
        db: DbSession,
        member: CurrentMember,
        member_id: str,
        reason: Reason = None,
    ) -> Response:
        return _act(
            request,
            db,
            member,
            member_id,
            lambda: action(db, actor=member, member_id=member_id, reason=reason),
            done,
        )

    return route


for _path, (_action, _summary, _done) in REASON_ONLY_ACTIONS.items():
    router.add_api_route(
        f"/members/{{member_id}}/{_path}",
        _reason_only_route(_action, _done),
        methods=["POST"],
        summary=_summary,
        name=f"admin_member_{_path}",
    )


def _end_of_day(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput(
            {"until": "Give the end date as a date, for example 2027-03-31."}
        ) from None
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON)


@router.post(
    "/members/{member_id}/suspend", summary="Suspend a member until a date or indefinitely"
)
def suspend(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    member_id: str,
    reason: Reason = None,
    until: Annotated[str | None, Form()] = None,
) -> Response:
    return _act(
        request,
        db,
        member,
        member_id,
        lambda: service.suspend(
            db, actor=member, member_id=member_id, reason=reason, until=_end_of_day(until)
        ),
        "{name} is suspended and has been signed out.",
    )


@router.post("/members/{member_id}/role", summary="Change a member's role")
def change_role(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    member_id: str,
    role: Annotated[str, Form()] = "",
    reason: Reason = None,
) -> Response:
    return _act(
        request,
        db,
        member,
        member_id,
        lambda: service.change_role(
            db, actor=member, member_id=member_id, role=role, reason=reason
        ),
        "{name}'s role is changed.",
    )


@router.post("/members/{member_id}/organisation", summary="Move a member to another organisation")
def change_organisation(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    member_id: str,
    organisation_id: Annotated[str, Form()] = "",
    reason: Reason = None,
) -> Response:
    return _act(
        request,
        db,
        member,
        member_id,
        lambda: service.change_organisation(
            db, actor=member, member_id=member_id, organisation_id=organisation_id, reason=reason
        ),
        "{name}'s organisation is changed.",
    )


@router.post("/members/{member_id}/flags", summary="Grant or remove a responsibility")
def set_flag(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    member_id: str,
    flag: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    reason: Reason = None,
) -> Response:
    granted = value == "on"
    label = responsibility_label(flag)
    article = "an" if label[:1] in ("a", "o") else "a"
    return _act(
        request,
        db,
        member,
        member_id,
        lambda: service.set_flag(
            db, actor=member, member_id=member_id, flag=flag, value=granted, reason=reason
        ),
        f"{{name}} is {'now' if granted else 'no longer'} {article} {label}.",
    )


# --- organisations ---------------------------------------------------------------------------


def _organisations_page(
    request: Request,
    db: Session,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "admin/organisations.html",
        {
            "organisations": organisation_service.list_organisations(db),
            "kinds": list(OrganisationKind),
            "errors": errors or {},
            "form": form or {},
        },
        status_code=status_code,
    )


@router.get(
    "/organisations",
    dependencies=[Depends(require_admin)],
    summary="Organisations and their e-mail domains",
)
def organisations(request: Request, db: DbSession, member: CurrentMember) -> Response:
    check_admin_only_permission(member)
    return _organisations_page(request, db)


@router.post(
    "/organisations",
    dependencies=[Depends(require_admin)],
    summary="Add a university or other organisation",
)
def create_organisation(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    email_domains: Annotated[str, Form()] = "",
    is_partner: Annotated[str | None, Form()] = None,
) -> Response:
    check_admin_only_permission(member)
    try:
        organisation = organisation_service.create_organisation(
            db,
            actor=member,
            name=name,
            kind=kind,
            email_domains=email_domains,
            is_partner=is_partner == "on",
        )
    except InvalidInput as error:
        form = {
            "name": name,
            "kind": kind,
            "email_domains": email_domains,
            "is_partner": is_partner,
        }
        return _organisations_page(request, db, errors=error.errors, form=form, status_code=422)
    response = RedirectResponse("/admin/organisations", status_code=303)
    flash(request, response, f"{organisation.name} is added.")
    return response


@router.post(
    "/organisations/{organisation_id}",
    dependencies=[Depends(require_admin)],
    summary="Change an organisation's domains",
)
def update_organisation(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    organisation_id: str,
    email_domains: Annotated[str, Form()] = "",
    is_partner: Annotated[str | None, Form()] = None,
) -> Response:
    check_admin_only_permission(member)
    try:
        organisation = organisation_service.update_organisation(
            db,
            actor=member,
            organisation_id=organisation_id,
            email_domains=email_domains,
            is_partner=is_partner == "on",
        )
    except InvalidInput as error:
        return _organisations_page(request, db, errors=error.errors, status_code=422)
    response = RedirectResponse("/admin/organisations", status_code=303)
    flash(request, response, f"{organisation.name} is saved.")
    return response
