"""The first sign-in's questions (/welcome): shown once, after admission."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.auth.service import safe_return_path
from app.errors import InvalidInput
from app.members.forms import DIGEST_LABELS, ONBOARDING_ROLE_LABELS
from app.members.service.onboarding import (
    OnboardingAnswers,
    complete_onboarding,
    onboarding_page,
    skip_onboarding,
)
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.templating import render

router = APIRouter(tags=["members"])

Text = Annotated[str, Form(max_length=200)]
Choices = Annotated[list[str], Form(max_length=60)]
Next = Annotated[str, Query(max_length=500)]


def _page(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    next_path: str,
    answers: OnboardingAnswers | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    page = onboarding_page(db, member=member, answers=answers)
    return render(
        request,
        "members/welcome.html",
        {
            "page": page,
            "role_options": [(role.value, label) for role, label in ONBOARDING_ROLE_LABELS.items()],
            "organisation_options": [(o.id, o.name) for o in page.organisations],
            "topic_options": [(topic.slug, topic.name) for topic in page.topics],
            "category_options": [(category.id, category.name) for category in page.categories],
            "digest_options": [(f.value, label) for f, label in DIGEST_LABELS.items()],
            "next_path": safe_return_path(next_path),
            "errors": errors or {},
        },
        status_code=422 if errors else 200,
    )


@router.get("/welcome", response_class=HTMLResponse, summary="First sign-in: a few questions")
def welcome(request: Request, db: DbSession, member: CurrentMember, next: Next = "/") -> Response:
    return _page(request, db, member, next)


@router.post("/welcome", summary="Save the first sign-in's answers")
def save_welcome(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    display_name: Text = "",
    role: Text = "",
    organisation_id: Text = "",
    digest_frequency: Text = "",
    next: Text = "/",
    areas_of_practice: Choices = [],  # noqa: B006 (FastAPI copies defaults)
    categories: Choices = [],  # noqa: B006
) -> Response:
    answers = OnboardingAnswers(
        display_name=display_name,
        role=role,
        organisation_id=organisation_id,
        areas_of_practice=areas_of_practice,
        categories=categories,
        digest_frequency=digest_frequency,
    )
    try:
        complete_onboarding(db, member=member, answers=answers)
    except InvalidInput as error:
        return _page(request, db, member, next, answers, error.errors)
    response = RedirectResponse(safe_return_path(next), status_code=303)
    flash(request, response, "Your account is set up. You can change any of it on your profile.")
    return response


@router.post("/welcome/skip", summary="Skip the first sign-in's questions")
def skip_welcome(
    request: Request, db: DbSession, member: CurrentMember, next: Text = "/"
) -> Response:
    skip_onboarding(db, member=member)
    response = RedirectResponse(safe_return_path(next), status_code=303)
    flash(request, response, "Skipped. Your profile and e-mail settings have these choices.")
    return response
