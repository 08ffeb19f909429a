"""Opportunities as JSON: list, read, post, change, withdraw, and "apply" (counted)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from app.opportunities import service
from app.opportunities.models import OpportunityKind, WorkLocation
from app.opportunities.schemas import (
    ApplyOut,
    OpportunityData,
    OpportunityOut,
    OpportunityPage,
    WithdrawOpportunity,
)
from app.web.deps import CurrentMember, DbSession
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_page_fields

router = APIRouter(prefix="/api/v1/opportunities", tags=["opportunities"])


def opportunity_out(view: service.OpportunityView) -> OpportunityOut:
    opportunity = view.opportunity
    return OpportunityOut(
        id=opportunity.id,
        title=opportunity.title,
        organisation_id=opportunity.organisation_id,
        organisation=opportunity.organisation.name,
        kind=opportunity.kind,
        team=opportunity.team,
        practice_area=opportunity.practice_area,
        pay=opportunity.pay,
        hours=opportunity.hours,
        location=opportunity.location,
        place=opportunity.place,
        closing_date=date.fromisoformat(opportunity.closing_date),
        closes_at=opportunity.closes_at,
        is_closed=view.is_closed,
        withdrawn=opportunity.withdrawn_at is not None,
        apply_url=opportunity.apply_url,
        apply_email=opportunity.apply_email,
        description_html=opportunity.description_html,
        posted_at=opportunity.created_at,
        may_manage=view.may_manage,
    )


@router.get("", response_model=OpportunityPage, summary="Open opportunities, filtered")
def list_opportunities(
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    kind: OpportunityKind | None = None,
    organisation_id: Annotated[str | None, Query(max_length=36)] = None,
    practice_area: Annotated[str | None, Query(max_length=120)] = None,
    location: WorkLocation | None = None,
    closing_within_week: bool = False,
    sort: Annotated[str, Query(pattern="^(closing|newest)$")] = "closing",
) -> OpportunityPage:
    views, total, page = service.list_opportunities(
        db,
        viewer=member,
        opportunity_filter=service.OpportunityFilter(
            kind=kind,
            organisation_id=organisation_id,
            practice_area=practice_area,
            location=location,
            closing_within_week=closing_within_week,
        ),
        sort="newest" if sort == "newest" else "closing",
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    return OpportunityPage(
        **cursor_page_fields(page, total, PAGE_SIZE),
        opportunities=[opportunity_out(view) for view in views],
    )


@router.post("", response_model=OpportunityOut, status_code=201, summary="Post (recruiters)")
def post_opportunity(db: DbSession, member: CurrentMember, body: OpportunityData) -> OpportunityOut:
    opportunity = service.post_opportunity(db, actor=member, data=body)
    return opportunity_out(
        service.get_opportunity(db, viewer=member, opportunity_id=opportunity.id)
    )


@router.get("/{opportunity_id}", response_model=OpportunityOut, summary="One opportunity")
def read_opportunity(db: DbSession, member: CurrentMember, opportunity_id: str) -> OpportunityOut:
    return opportunity_out(
        service.get_opportunity(db, viewer=member, opportunity_id=opportunity_id)
    )


@router.put("/{opportunity_id}", response_model=OpportunityOut, summary="Change, extend, reopen")
def update_opportunity(
    db: DbSession, member: CurrentMember, opportunity_id: str, body: OpportunityData
) -> OpportunityOut:
    service.update_opportunity(db, actor=member, opportunity_id=opportunity_id, data=body)
    return opportunity_out(
        service.get_opportunity(db, viewer=member, opportunity_id=opportunity_id)
    )


@router.post("/{opportunity_id}/withdraw", response_model=OpportunityOut, summary="Withdraw")
def withdraw_opportunity(
    db: DbSession, member: CurrentMember, opportunity_id: str, body: WithdrawOpportunity
) -> OpportunityOut:
    service.withdraw_opportunity(
        db, actor=member, opportunity_id=opportunity_id, reason=body.reason
    )
    return opportunity_out(
        service.get_opportunity(db, viewer=member, opportunity_id=opportunity_id)
    )


@router.post("/{opportunity_id}/apply", response_model=ApplyOut, summary="Where to apply (counted)")
def apply(db: DbSession, member: CurrentMember, opportunity_id: str) -> ApplyOut:
    target = service.record_apply_click(db, actor=member, opportunity_id=opportunity_id)
    return ApplyOut(opportunity_id=opportunity_id, apply_to=target)
