"""The members part of the JSON API: yourself, the directory, profiles, topics and your API
tokens. Errors come out as problem JSON through the handlers in app/web/errors.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.members import profiles, tokens
from app.members.models import MemberRole
from app.members.profiles import DirectoryFilter
from app.members.schemas import (
    DirectoryPage,
    MemberSelf,
    ProfileOut,
    ProfileUpdate,
    TokenCreate,
    TokenCreated,
    TokenOut,
    TopicOut,
)
from app.security.rate_limits import member_rate_limit
from app.web.deps import CurrentMember, DbSession
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_page_fields

router = APIRouter(prefix="/api/v1", tags=["members"])


@router.get("/me", response_model=MemberSelf, summary="The signed-in member")
def read_me(member: CurrentMember) -> MemberSelf:
    return MemberSelf.model_validate(member)


@router.put(
    "/me/profile",
    response_model=MemberSelf,
    summary="Replace your profile (full update: omitted optional fields are cleared)",
    description=(
        "PUT semantics: `job_title`, `team`, `bio` and `areas_of_practice` left out are "
        "cleared. `visibility` is merged: fields left out keep who may see them."
    ),
)
def replace_my_profile(db: DbSession, member: CurrentMember, data: ProfileUpdate) -> MemberSelf:
    return MemberSelf.model_validate(profiles.update_profile(db, actor=member, data=data))


@router.get(
    "/members",
    response_model=DirectoryPage,
    summary="The member directory: active members, 25 a page, filtered",
)
def list_members(
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    organisation_id: Annotated[str | None, Query(max_length=36)] = None,
    role: MemberRole | None = None,
    topic: Annotated[str | None, Query(max_length=80, description="A topic slug")] = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of a name")] = None,
) -> DirectoryPage:
    entries, total, page = profiles.list_directory(
        db,
        viewer=member,
        directory_filter=DirectoryFilter(
            organisation_id=organisation_id or None,
            role=role,
            topic_slug=topic or None,
            query=(q or "").strip() or None,
        ),
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    return DirectoryPage(**cursor_page_fields(page, total, PAGE_SIZE), members=entries)


@router.get(
    "/members/{member_id}",
    response_model=ProfileOut,
    summary="A member's profile; fields you may not see are null",
)
def read_member(db: DbSession, member: CurrentMember, member_id: str) -> ProfileOut:
    _, profile = profiles.get_profile(db, viewer=member, member_id=member_id)
    return profile


@router.get("/topics", response_model=list[TopicOut], summary="All topics (areas of practice)")
def list_topics(db: DbSession) -> list[TopicOut]:
    return [TopicOut.model_validate(topic) for topic in profiles.all_topics(db)]


@router.get(
    "/me/tokens",
    response_model=list[TokenOut],
    summary="Your API tokens, newest first, revoked ones included",
)
def list_my_tokens(db: DbSession, member: CurrentMember) -> list[TokenOut]:
    return [TokenOut.model_validate(token) for token in tokens.list_tokens(db, actor=member)]


@router.post(
    "/me/tokens",
    dependencies=[Depends(member_rate_limit("api_token"))],
    response_model=TokenCreated,
    status_code=201,
    summary="Create an API token; the token itself is in this response only",
)
def create_my_token(db: DbSession, member: CurrentMember, data: TokenCreate) -> TokenCreated:
    token, secret = tokens.create_token(db, actor=member, name=data.name)
    return TokenCreated(**TokenOut.model_validate(token).model_dump(), token=secret)


@router.delete(
    "/me/tokens/{token_id}",
    status_code=204,
    response_class=Response,
    summary="Revoke one of your API tokens",
)
def revoke_my_token(db: DbSession, member: CurrentMember, token_id: str) -> Response:
    tokens.revoke_token(db, actor=member, token_id=token_id)
    return Response(status_code=204)
