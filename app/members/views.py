"""Member pages: the directory, profiles, editing your own profile and your API tokens."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.errors import InvalidAction, InvalidInput
from app.guard.forms import form_refusal_context, refusal_status
from app.guard.service import PassagesFound
from app.members import profiles, tokens
from app.members.forms import (
    ROLE_LABELS,
    VISIBILITY_LABELS,
    VISIBILITY_QUESTIONS,
    ProfileForm,
    form_errors,
)
from app.members.models import PROFILE_FIELDS_WITH_VISIBILITY, ApiToken, Member, MemberRole
from app.members.profiles import DirectoryFilter
from app.members.schemas import TokenCreate
from app.moderation.service import my_warnings
from app.security.rate_limits import member_rate_limit
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_pager
from app.web.templating import render

router = APIRouter(tags=["members"])


@router.get("/members", response_class=HTMLResponse, summary="Member directory")
def directory(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    organisation: Annotated[str, Query(max_length=36)] = "",
    role: Annotated[MemberRole | Literal[""], Query()] = "",
    area: Annotated[str, Query(max_length=80)] = "",
    q: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    entries, total, page = profiles.list_directory(
        db,
        viewer=member,
        directory_filter=DirectoryFilter(
            organisation_id=organisation or None,
            role=role or None,
            topic_slug=area or None,
            query=q.strip() or None,
        ),
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    filters = {"organisation": organisation, "role": role, "area": area, "q": q}
    return render(
        request,
        "members/directory.html",
        {
            "entries": entries,
            "total": total,
            "pager": cursor_pager(page, filters),
            "filters": filters,
            "organisation_options": [
                (choice.id, choice.name) for choice in profiles.organisation_choices(db)
            ],
            "role_options": [(role.value, label) for role, label in ROLE_LABELS.items()],
            "topic_options": [(topic.slug, topic.name) for topic in profiles.all_topics(db)],
            "role_labels": ROLE_LABELS,
        },
    )


@router.get("/members/handle/{handle}", summary="The profile of the member with this @handle")
def profile_by_handle(db: DbSession, member: CurrentMember, handle: str) -> RedirectResponse:
    subject = profiles.member_by_handle(db, viewer=member, handle=handle)
    return RedirectResponse(f"/members/{subject.id}", status_code=303)


@router.get("/members/{member_id}", response_class=HTMLResponse, summary="A member's profile")
def member_profile(
    request: Request, db: DbSession, member: CurrentMember, member_id: str
) -> HTMLResponse:
    subject, profile = profiles.get_profile(db, viewer=member, member_id=member_id)
    is_self = subject.id == member.id
    return render(
        request,
        "members/profile.html",
        {
            "profile": profile,
            "is_self": is_self,
            "role_labels": ROLE_LABELS,
            "seen_by": {
                field: VISIBILITY_LABELS[subject.visibility_of(field)]
                for field in PROFILE_FIELDS_WITH_VISIBILITY
            }
            if is_self
            else {},
        },
    )


def _edit_profile_page(
    request: Request,
    db: Session,
    form: ProfileForm,
    errors: dict[str, str] | None = None,
    *,
    refusal: PassagesFound | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    checked = {"bio": form.bio.replace("\r\n", "\n"), "guard_reason": form.guard_reason}
    return render(
        request,
        "members/edit_profile.html",
        {
            "form": form,
            "errors": errors or {},
            **form_refusal_context(refusal, checked, {"bio": "about you"}),
            "topics": profiles.all_topics(db),
            "visibility_fields": PROFILE_FIELDS_WITH_VISIBILITY,
            "visibility_labels": VISIBILITY_LABELS,
            "visibility_questions": VISIBILITY_QUESTIONS,
            "warning_count": len(my_warnings(db, member=request.state.member)),
        },
        status_code=status_code,
    )


@router.get("/profile", response_class=HTMLResponse, summary="Edit your profile")
def edit_profile(request: Request, db: DbSession, member: CurrentMember) -> HTMLResponse:
    subject, _ = profiles.get_profile(db, viewer=member, member_id=member.id)
    return _edit_profile_page(request, db, ProfileForm.from_member(subject))


@router.post("/profile", response_class=HTMLResponse, summary="Save your profile")
def save_profile(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    form: Annotated[ProfileForm, Form()],
) -> Response:
    try:
        saved = profiles.update_profile(db, actor=member, data=form.to_update())
    except ValidationError as error:
        return _edit_profile_page(request, db, form, form_errors(error), status_code=422)
    except InvalidInput as error:
        return _edit_profile_page(request, db, form, error.errors, status_code=422)
    except PassagesFound as found:
        return _edit_profile_page(
            request, db, form, refusal=found, status_code=refusal_status(found)
        )
    response = RedirectResponse(f"/members/{saved.id}", status_code=303)
    flash(request, response, "Your profile has been saved.")
    return response


def _tokens_page(
    request: Request,
    db: Session,
    member: Member,
    *,
    name: str = "",
    errors: dict[str, str] | None = None,
    created: tuple[ApiToken, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "members/tokens.html",
        {
            "tokens": tokens.list_tokens(db, actor=member),
            "name": name,
            "errors": errors or {},
            "created": created,
        },
        status_code=status_code,
    )


@router.get("/account/tokens", response_class=HTMLResponse, summary="Your API tokens")
def api_tokens(request: Request, db: DbSession, member: CurrentMember) -> HTMLResponse:
    return _tokens_page(request, db, member)


@router.post(
    "/account/tokens",
    dependencies=[Depends(member_rate_limit("api_token"))],
    response_class=HTMLResponse,
    summary="Create an API token and show it once",
)
def create_api_token(
    request: Request, db: DbSession, member: CurrentMember, name: Annotated[str, Form()] = ""
) -> HTMLResponse:
    try:
        created = tokens.create_token(db, actor=member, name=TokenCreate(name=name).name)
    except ValidationError as error:
        return _tokens_page(
            request, db, member, name=name, errors=form_errors(error), status_code=422
        )
    except InvalidAction as error:
        return _tokens_page(
            request, db, member, name=name, errors={"name": str(error)}, status_code=409
        )
    return _tokens_page(request, db, member, created=created, status_code=201)


@router.post(
    "/account/tokens/{token_id}/revoke",
    response_class=RedirectResponse,
    summary="Revoke one of your API tokens",
)
def revoke_api_token(
    request: Request, db: DbSession, member: CurrentMember, token_id: str
) -> RedirectResponse:
    token = tokens.revoke_token(db, actor=member, token_id=token_id)
    response = RedirectResponse("/account/tokens", status_code=303)
    flash(request, response, f"The token “{token.name}” has been revoked. It no longer works.")
    return response
