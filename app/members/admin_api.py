"""The admin API: every admin action the admin pages offer, as JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.members import organisations as organisation_service
from app.members import service
from app.members.admin_schemas import (
    AdminMemberDetailOut,
    AdminMemberOut,
    AdminMemberPage,
    FlagBody,
    OrganisationChoice,
    OrganisationCreate,
    OrganisationOut,
    OrganisationUpdate,
    Reason,
    RoleBody,
    SuspendBody,
)
from app.members.admin_views import REASON_ONLY_ACTIONS
from app.members.models import Member, MemberRole, MemberStatus
from app.policy import check_admin_only_permission
from app.web.deps import CurrentMember, DbSession, require_admin, require_staff
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_page_fields

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], dependencies=[Depends(require_staff)])


@router.get("/members", response_model=AdminMemberPage, summary="Members, with filters")
def list_members(
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    status: MemberStatus | None = None,
    organisation_id: str | None = None,
    role: MemberRole | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> AdminMemberPage:
    members, total, page = service.list_members(
        db,
        actor=member,
        member_filter=service.MemberFilter(
            status=status, organisation_id=organisation_id, role=role, query=q
        ),
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    return AdminMemberPage(
        **cursor_page_fields(page, total, PAGE_SIZE),
        members=[AdminMemberOut.model_validate(subject) for subject in members],
    )


@router.get(
    "/members/{member_id}",
    response_model=AdminMemberDetailOut,
    summary="One member, with what their identity provider said",
)
def read_member(db: DbSession, member: CurrentMember, member_id: str) -> AdminMemberDetailOut:
    detail = service.admin_member_detail(db, actor=member, member_id=member_id)
    return AdminMemberDetailOut.model_validate(
        {
            **AdminMemberOut.model_validate(detail.member).model_dump(),
            "identities": detail.identities,
        }
    )


def _out(subject: object) -> AdminMemberOut:
    return AdminMemberOut.model_validate(subject)


def _reason_only_route(action: Callable[..., Member]) -> Callable[..., AdminMemberOut]:
    def route(db: DbSession, member: CurrentMember, member_id: str, body: Reason) -> AdminMemberOut:
        return _out(action(db, actor=member, member_id=member_id, reason=body.reason))

    return route


for _path, (_action, _summary, _done) in REASON_ONLY_ACTIONS.items():
    router.add_api_route(
        f"/members/{{member_id}}/{_path}",
        _reason_only_route(_action),
        methods=["POST"],
        response_model=AdminMemberOut,
        summary=_summary,
        name=f"api_admin_member_{_path}",
    )


@router.post("/members/{member_id}/suspend", response_model=AdminMemberOut, summary="Suspend")
def suspend(
    db: DbSession, member: CurrentMember, member_id: str, body: SuspendBody
) -> AdminMemberOut:
    return _out(
        service.suspend(db, actor=member, member_id=member_id, reason=body.reason, until=body.until)
    )


@router.post("/members/{member_id}/role", response_model=AdminMemberOut, summary="Change role")
def change_role(
    db: DbSession, member: CurrentMember, member_id: str, body: RoleBody
) -> AdminMemberOut:
    return _out(
        service.change_role(
            db, actor=member, member_id=member_id, role=body.role.value, reason=body.reason
        )
    )


@router.post(
    "/members/{member_id}/organisation",
    response_model=AdminMemberOut,
    summary="Change organisation",
)
def change_organisation(
    db: DbSession, member: CurrentMember, member_id: str, body: OrganisationChoice
) -> AdminMemberOut:
    return _out(
        service.change_organisation(
            db,
            actor=member,
            member_id=member_id,
            organisation_id=body.organisation_id,
            reason=body.reason,
        )
    )


@router.post(
    "/members/{member_id}/flags",
    response_model=AdminMemberOut,
    summary="Grant or remove admin, moderator or champion",
)
def set_flag(
    db: DbSession, member: CurrentMember, member_id: str, body: FlagBody
) -> AdminMemberOut:
    return _out(
        service.set_flag(
            db,
            actor=member,
            member_id=member_id,
            flag=body.flag,
            value=body.value,
            reason=body.reason,
        )
    )


@router.get(
    "/organisations",
    dependencies=[Depends(require_admin)],
    response_model=list[OrganisationOut],
    summary="Organisations",
)
def list_organisations(db: DbSession, member: CurrentMember) -> list[OrganisationOut]:
    check_admin_only_permission(member)
    return [
        OrganisationOut.model_validate(organisation)
        for organisation in organisation_service.list_organisations(db)
    ]


@router.post(
    "/organisations",
    dependencies=[Depends(require_admin)],
    response_model=OrganisationOut,
    status_code=201,
    summary="Add an organisation",
)
def create_organisation(
    db: DbSession, member: CurrentMember, body: OrganisationCreate
) -> OrganisationOut:
    organisation = organisation_service.create_organisation(
        db,
        actor=member,
        name=body.name,
        kind=body.kind.value,
        email_domains=body.email_domains,
        is_partner=body.is_partner,
    )
    return OrganisationOut.model_validate(organisation)


@router.patch(
    "/organisations/{organisation_id}",
    dependencies=[Depends(require_admin)],
    response_model=OrganisationOut,
    summary="Change an organisation's partner flag and e-mail domains",
)
def update_organisation(
    db: DbSession, member: CurrentMember, organisation_id: str, body: OrganisationUpdate
) -> OrganisationOut:
    organisation = organisation_service.update_organisation(
        db,
        actor=member,
        organisation_id=organisation_id,
        email_domains=body.email_domains,
        is_partner=body.is_partner,
    )
    return OrganisationOut.model_validate(organisation)
