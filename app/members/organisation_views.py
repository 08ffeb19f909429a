"""An organisation admin's page: the applicants from their own organisation, approved or
rejected there (the same decisions, audit entries and e-mails as the admins')."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from app.errors import Forbidden, InvalidAction, InvalidInput, NotFound
from app.members import service
from app.members.forms import ROLE_LABELS
from app.members.models import Member
from app.members.service.organisation_review import organisation_applications
from app.policy.members import check_review_organisation_applications_permission
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.templating import render

router = APIRouter(prefix="/organisation", tags=["members"])
PAGE = "/organisation/applications"


def _page(
    request: Request,
    db: Session,
    viewer: Member,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "members/organisation_applications.html",
        {
            "applications": organisation_applications(db, viewer=viewer),
            "role_labels": ROLE_LABELS,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/applications", summary="Applicants from your organisation")
def applications_page(request: Request, db: DbSession, member: CurrentMember) -> Response:
    return _page(request, db, member)


def _decide(
    request: Request, db: Session, member: Member, member_id: str, decision: str, reason: str | None
) -> Response:
    check_review_organisation_applications_permission(member)
    action = service.approve if decision == "approve" else service.reject
    try:
        subject = action(db, actor=member, member_id=member_id, reason=reason)
    except Forbidden as error:
        raise NotFound() from error
    except InvalidInput as error:
        message = next(iter(error.errors.values()))
        return _page(request, db, member, errors={member_id: message}, status_code=422)
    except InvalidAction as error:
        return _page(request, db, member, errors={member_id: str(error)}, status_code=409)
    response = RedirectResponse(PAGE, status_code=303)
    verb = "is now a member" if decision == "approve" else "was told their application is rejected"
    flash(request, response, f"{subject.display_name} {verb}.")
    return response


@router.post("/applications/{member_id}/{decision}", summary="Approve or reject an applicant")
def decide(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    member_id: str,
    decision: Literal["approve", "reject"],
    reason: Annotated[str | None, Form(max_length=1000)] = None,
) -> Response:
    """Reject needs a reason, which the applicant sees; approve takes an optional note."""
    return _decide(request, db, member, member_id, decision, reason)
