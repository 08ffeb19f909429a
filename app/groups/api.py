"""Groups as JSON: every action the group pages offer."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from app.groups import listing as group_listing
from app.groups import service
from app.groups.schemas import (
    AnswerBody,
    DecisionBody,
    GroupCreate,
    GroupDetailOut,
    GroupMemberOut,
    GroupOut,
    InviteBody,
    JoinBody,
    Outcome,
    RoleBody,
)
from app.web.deps import CurrentMember, DbSession

router = APIRouter(prefix="/api/v1/groups", tags=["groups"])


@router.get("", response_model=list[GroupOut], summary="Groups you can see")
def list_groups(db: DbSession, member: CurrentMember) -> list[GroupOut]:
    return [
        GroupOut(
            id=listing.group.id,
            slug=listing.group.slug,
            name=listing.group.name,
            description=listing.group.description,
            kind=listing.group.kind,
            member_count=listing.member_count,
            my_role=listing.my_role,
        )
        for listing in group_listing.list_groups(db, viewer=member)
    ]


@router.post("", response_model=GroupOut, status_code=201, summary="Start a group")
def create_group(db: DbSession, member: CurrentMember, body: GroupCreate) -> GroupOut:
    group = service.create_group(
        db,
        actor=member,
        name=body.name,
        description=body.description,
        kind=body.kind.value,
        post_anyway=body.post_anyway,
        guard_reason=body.guard_reason,
    )
    return GroupOut(
        id=group.id,
        slug=group.slug,
        name=group.name,
        description=group.description,
        kind=group.kind,
        member_count=1,
    )


@router.get("/{slug}", response_model=GroupDetailOut, summary="A group, and inside it for members")
def read_group(db: DbSession, member: CurrentMember, slug: str) -> GroupDetailOut:
    page = service.group_page(db, viewer=member, slug=slug)
    group = page.group
    inside = page.may_see_inside
    return GroupDetailOut(
        id=group.id,
        slug=group.slug,
        name=group.name,
        description=group.description,
        kind=group.kind,
        my_role=page.membership.role if page.membership else None,
        may_see_inside=inside,
        members=[
            GroupMemberOut(
                member_id=m.member_id,
                name=m.member.display_name,
                role=m.role,
                joined_at=m.joined_at,
            )
            for m in page.members
        ]
        if inside
        else None,
        thread_ids=[t.id for t in page.threads] if inside else None,
        resource_ids=[r.id for r in page.resources] if inside else None,
        event_ids=[e.id for e in page.events] if inside else None,
    )


@router.post("/{slug}/join", response_model=Outcome, summary="Join, or ask to join")
def join(db: DbSession, member: CurrentMember, slug: str, body: JoinBody) -> Outcome:
    return Outcome(result=service.join(db, actor=member, slug=slug, message=body.message))


@router.post("/{slug}/leave", status_code=204, summary="Leave the group")
def leave(db: DbSession, member: CurrentMember, slug: str) -> Response:
    service.leave(db, actor=member, slug=slug)
    return Response(status_code=204)


@router.post("/{slug}/requests/{request_id}", response_model=Outcome, summary="Decide a request")
def decide(
    db: DbSession, member: CurrentMember, slug: str, request_id: str, body: DecisionBody
) -> Outcome:
    request = service.decide_request(
        db,
        actor=member,
        slug=slug,
        request_id=request_id,
        approve=body.approve,
        message=body.message,
    )
    return Outcome(result=request.status.value)


@router.post("/{slug}/invitations", response_model=Outcome, status_code=201, summary="Invite")
def invite(db: DbSession, member: CurrentMember, slug: str, body: InviteBody) -> Outcome:
    service.invite(db, actor=member, slug=slug, member_id=body.member_id)
    return Outcome(result="invited")


@router.post("/{slug}/invitation", response_model=Outcome, summary="Accept or decline")
def answer(db: DbSession, member: CurrentMember, slug: str, body: AnswerBody) -> Outcome:
    service.answer_invitation(db, actor=member, slug=slug, accept=body.accept)
    return Outcome(result="accepted" if body.accept else "declined")


@router.delete("/{slug}/members/{member_id}", status_code=204, summary="Remove a member")
def remove(db: DbSession, member: CurrentMember, slug: str, member_id: str) -> Response:
    service.remove_member(db, actor=member, slug=slug, member_id=member_id)
    return Response(status_code=204)


@router.put("/{slug}/members/{member_id}/role", response_model=Outcome, summary="Change a role")
def change_role(
    db: DbSession, member: CurrentMember, slug: str, member_id: str, body: RoleBody
) -> Outcome:
    membership = service.change_role(
        db, actor=member, slug=slug, member_id=member_id, role=body.role.value
    )
    return Outcome(result=membership.role.value)
