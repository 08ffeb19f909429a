"""Opportunity pages: the list with filters, a page with "apply", recruiters' forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.background import BackgroundTask
from starlette.datastructures import FormData

from app.errors import Forbidden, InvalidInput
from app.guard.forms import form_refusal_context, refusal_status
from app.guard.schemas import guard_choice_from
from app.guard.service import PassagesFound
from app.members.profiles import organisation_choices
from app.opportunities import report, service
from app.opportunities.models import OpportunityKind, WorkLocation
from app.opportunities.schemas import FIELD_LABELS, OpportunityData
from app.policy.opportunities import may_post_opportunities
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.forms import plain_field_errors
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_pager
from app.web.templating import render

router = APIRouter(tags=["opportunities"])
FORM_FIELDS = (
    "title",
    "organisation_id",
    "kind",
    "team",
    "practice_area",
    "pay",
    "hours",
    "location",
    "place",
    "closing_date",
    "apply_url",
    "apply_email",
    "description",
)
GUARDED_FIELDS = {"title": "title", "description": "description"}


def opportunity_data_from(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: form.get(name) for name in FORM_FIELDS if name in form}
    values.update(guard_choice_from(form))
    return values


def opportunity_filter_from(
    kind: str | None,
    organisation: str | None,
    practice_area: str | None,
    location: str | None,
    closing: str | None,
) -> service.OpportunityFilter:
    """Unknown values are ignored, as a hand-edited address should not fail."""
    return service.OpportunityFilter(
        kind=OpportunityKind(kind) if kind in set(OpportunityKind) else None,
        organisation_id=organisation or None,
        practice_area=practice_area or None,
        location=WorkLocation(location) if location in set(WorkLocation) else None,
        closing_within_week=closing == "week",
    )


@router.get("/opportunities", summary="Open vacancies, secondments and placements")
def list_opportunities(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    organisation: Annotated[str | None, Query(max_length=36)] = None,
    practice_area: Annotated[str | None, Query(max_length=120)] = None,
    location: Annotated[str | None, Query(max_length=20)] = None,
    closing: Annotated[str | None, Query(max_length=10)] = None,
    sort: Annotated[str, Query(pattern="^(closing|newest)$")] = "closing",
) -> Response:
    views, total, page = service.list_opportunities(
        db,
        viewer=member,
        opportunity_filter=opportunity_filter_from(
            kind, organisation, practice_area, location, closing
        ),
        sort="newest" if sort == "newest" else "closing",
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    filters = {
        "kind": kind,
        "organisation": organisation,
        "practice_area": practice_area,
        "location": location,
        "closing": closing,
        "sort": sort,
    }
    return render(
        request,
        "opportunities/list.html",
        {
            "views": views,
            "total": total,
            "pager": cursor_pager(page, filters),
            "filters": filters,
            "kinds": list(OpportunityKind),
            "locations": list(WorkLocation),
            "organisations": organisation_choices(db),
            "practice_areas": service.practice_areas(db),
            "may_post": may_post_opportunities(member),
        },
    )


def _form_page(
    request: Request,
    db: DbSession,
    *,
    opportunity_id: str | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    refusal: PassagesFound | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "opportunities/form.html",
        {
            "opportunity_id": opportunity_id,
            "values": values,
            "errors": errors or {},
            **form_refusal_context(refusal, values, GUARDED_FIELDS),
            "kinds": list(OpportunityKind),
            "locations": list(WorkLocation),
            "organisations": service.organisation_choices_for(db, request.state.member),
            "practice_areas": service.practice_areas(db),
        },
        status_code=status_code,
    )


def _check_may_post(member: CurrentMember) -> None:
    if not may_post_opportunities(member):
        raise Forbidden("Only recruiters, whom an admin names, and admins can post opportunities.")


@router.get("/opportunities/new", summary="Form to post an opportunity (recruiters)")
def new_opportunity(request: Request, db: DbSession, member: CurrentMember) -> Response:
    _check_may_post(member)
    values = {"kind": "permanent", "location": "hybrid", "organisation_id": member.organisation_id}
    return _form_page(request, db, opportunity_id=None, values=values)


@router.post("/opportunities", summary="Post an opportunity (recruiters)")
async def post_opportunity(request: Request, db: DbSession, member: CurrentMember) -> Response:
    _check_may_post(member)
    values = opportunity_data_from(await request.form())
    try:
        data = OpportunityData.model_validate(values)
        opportunity = service.post_opportunity(db, actor=member, data=data)
    except (ValidationError, InvalidInput) as error:
        errors = (
            plain_field_errors(error, FIELD_LABELS)
            if isinstance(error, ValidationError)
            else error.errors
        )
        return _form_page(
            request, db, opportunity_id=None, values=values, errors=errors, status_code=422
        )
    except PassagesFound as found:
        return _form_page(
            request,
            db,
            opportunity_id=None,
            values=values,
            refusal=found,
            status_code=refusal_status(found),
        )
    response = RedirectResponse(f"/opportunities/{opportunity.id}", status_code=303)
    flash(request, response, f"“{opportunity.title}” is posted.")
    return response


@router.get("/opportunities/{opportunity_id}", summary="An opportunity and how to apply")
def read_opportunity(
    request: Request, db: DbSession, member: CurrentMember, opportunity_id: str
) -> Response:
    view = service.get_opportunity(db, viewer=member, opportunity_id=opportunity_id)
    response = render(request, "opportunities/detail.html", {"view": view})
    # counted after the answer, in its own transaction: the GET itself writes nothing
    response.background = BackgroundTask(
        report.record_page_view,
        request.app.state.session_factory,
        opportunity_id=opportunity_id,
        member_id=member.id,
    )
    return response


@router.get("/opportunities/{opportunity_id}/edit", summary="Form to change an opportunity")
def edit_form(
    request: Request, db: DbSession, member: CurrentMember, opportunity_id: str
) -> Response:
    view = service.get_opportunity(db, viewer=member, opportunity_id=opportunity_id)
    if not view.may_manage:
        raise Forbidden("Only the organisation's recruiters or an admin can change it.")
    opportunity = view.opportunity
    values = {name: getattr(opportunity, name) for name in FORM_FIELDS}
    values["kind"], values["location"] = opportunity.kind.value, opportunity.location.value
    return _form_page(request, db, opportunity_id=opportunity.id, values=values)


@router.post("/opportunities/{opportunity_id}/edit", summary="Save changes, extend or reopen")
async def edit(
    request: Request, db: DbSession, member: CurrentMember, opportunity_id: str
) -> Response:
    values = opportunity_data_from(await request.form())
    try:
        data = OpportunityData.model_validate(values)
        opportunity = service.update_opportunity(
            db, actor=member, opportunity_id=opportunity_id, data=data
        )
    except (ValidationError, InvalidInput) as error:
        errors = (
            plain_field_errors(error, FIELD_LABELS)
            if isinstance(error, ValidationError)
            else error.errors
        )
        return _form_page(
            request,
            db,
            opportunity_id=opportunity_id,
            values=values,
            errors=errors,
            status_code=422,
        )
    except PassagesFound as found:
        return _form_page(
            request,
            db,
            opportunity_id=opportunity_id,
            values=values,
            refusal=found,
            status_code=refusal_status(found),
        )
    response = RedirectResponse(f"/opportunities/{opportunity.id}", status_code=303)
    flash(request, response, "Your changes are saved.")
    return response


@router.post("/opportunities/{opportunity_id}/withdraw", summary="Withdraw an opportunity")
def withdraw(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    opportunity_id: str,
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        service.withdraw_opportunity(db, actor=member, opportunity_id=opportunity_id, reason=reason)
    except InvalidInput as error:
        response = RedirectResponse(f"/opportunities/{opportunity_id}", status_code=303)
        flash(request, response, next(iter(error.errors.values())), "error")
        return response
    response = RedirectResponse("/opportunities", status_code=303)
    flash(request, response, "The opportunity is withdrawn.")
    return response


@router.post("/opportunities/{opportunity_id}/apply", summary="Go to the application (counted)")
def apply(request: Request, db: DbSession, member: CurrentMember, opportunity_id: str) -> Response:
    try:
        target = service.record_apply_click(db, actor=member, opportunity_id=opportunity_id)
    except InvalidInput as error:
        response = RedirectResponse(f"/opportunities/{opportunity_id}", status_code=303)
        flash(request, response, next(iter(error.errors.values())), "error")
        return response
    if target.startswith("mailto:"):
        # a redirect to mailto: is unreliable across browsers: the page gives the address
        response = RedirectResponse(f"/opportunities/{opportunity_id}", status_code=303)
        flash(request, response, f"Send your application by e-mail to {target[7:]}.", "info")
        return response
    return RedirectResponse(target, status_code=303)
