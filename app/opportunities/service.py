"""Rules for opportunities: posting, changing, extending or reopening, withdrawing, reading
and filtering, counting clicks on "apply", and the worker's closing job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from app.audit import service as audit
from app.db import new_id
from app.discussions.markdown import render_markdown
from app.errors import InvalidInput, NotFound
from app.guard.service import GuardSubject, Override, check_before_saving, record_override
from app.keyset import CappedCount, Cursor, KeysetPage, capped_count, keyset_page
from app.members.models import Member, Organisation
from app.opportunities import clock
from app.opportunities.alerts import announce_to_alerts
from app.opportunities.filters import OpportunityFilter, filter_conditions
from app.opportunities.models import ApplyClick, Opportunity
from app.opportunities.schemas import OpportunityData
from app.outbox.sync import enqueue_sync, enqueue_sync_many
from app.policy.opportunities import (
    check_manage_opportunity_permission,
    check_post_opportunity_permission,
    check_view_opportunity_permission,
    listed_opportunities_filter,
    may_manage_opportunity,
    postable_organisations_filter,
)
from app.topics.models import Topic

Sort = Literal["closing", "newest"]
AUDITED_FIELDS = ("title", "kind", "closing_date", "apply_url", "apply_email", "organisation_id")


def _load(db: Session, opportunity_id: str) -> Opportunity:
    opportunity = db.execute(
        select(Opportunity)
        .where(Opportunity.id == opportunity_id)
        .options(selectinload(Opportunity.organisation), selectinload(Opportunity.poster))
    ).scalar_one_or_none()
    if opportunity is None:
        raise NotFound("There is no such opportunity.")
    return opportunity


def _organisation_for(db: Session, actor: Member, data: OpportunityData) -> str:
    organisation_id = data.organisation_id or actor.organisation_id
    if organisation_id is None:
        raise InvalidInput({"organisation_id": "Choose the organisation that is recruiting."})
    check_post_opportunity_permission(actor, organisation_id)
    if db.get(Organisation, organisation_id) is None:
        raise InvalidInput({"organisation_id": "There is no such organisation."})
    return organisation_id


def _apply(opportunity: Opportunity, data: OpportunityData, organisation_id: str) -> None:
    opportunity.title = data.title
    opportunity.organisation_id = organisation_id
    opportunity.kind = data.kind
    opportunity.team, opportunity.practice_area = data.team, data.practice_area
    opportunity.pay, opportunity.hours = data.pay, data.hours
    opportunity.location, opportunity.place = data.location, data.place
    opportunity.closing_date = data.closing_date.isoformat()
    opportunity.closes_at = clock.end_of_london_day(data.closing_date)
    opportunity.apply_url, opportunity.apply_email = data.apply_url, data.apply_email
    opportunity.description = data.description
    opportunity.description_html = render_markdown(data.description)


def _check_closing_date(data: OpportunityData, *, unchanged: str | None = None) -> None:
    if data.closing_date.isoformat() != unchanged and data.closing_date < clock.london_today():
        raise InvalidInput({"closing_date": "The closing date cannot be in the past."})


def _guarded(data: OpportunityData) -> Override | None:
    return check_before_saving(
        {"title": data.title, "description": data.description},
        post_anyway=data.post_anyway,
        reason=data.guard_reason,
    )


def _guard_subject(opportunity: Opportunity) -> GuardSubject:
    return GuardSubject(
        type="opportunity",
        id=opportunity.id,
        label=opportunity.title,
        url=f"/opportunities/{opportunity.id}",
    )


def _snapshot(opportunity: Opportunity) -> dict[str, str | None]:
    return {name: str(getattr(opportunity, name) or "") for name in AUDITED_FIELDS}


def post_opportunity(db: Session, *, actor: Member, data: OpportunityData) -> Opportunity:
    organisation_id = _organisation_for(db, actor, data)
    _check_closing_date(data)
    override = _guarded(data)
    opportunity = Opportunity(poster_id=actor.id, created_at=clock.now(), updated_at=clock.now())
    _apply(opportunity, data, organisation_id)
    db.add(opportunity)
    db.flush()
    enqueue_sync(db, kind="opportunity", id=opportunity.id)
    record_override(db, actor=actor, subject=_guard_subject(opportunity), override=override)
    announce_to_alerts(db, opportunity=opportunity, actor=actor)
    audit.record(
        db,
        actor=actor,
        action="opportunity_posted",
        subject=None,
        subject_label=opportunity.title,
        after=_snapshot(opportunity),
    )
    return opportunity


def update_opportunity(
    db: Session, *, actor: Member, opportunity_id: str, data: OpportunityData
) -> Opportunity:
    """Also how a poster extends or reopens one: a closing date today or later opens it
    again (in lists and search) until the end of that day."""
    opportunity = _load(db, opportunity_id)
    check_manage_opportunity_permission(actor, opportunity)
    if opportunity.withdrawn_at is not None:
        raise InvalidInput({"form": "This opportunity is withdrawn; post it again instead."})
    organisation_id = (
        _organisation_for(db, actor, data)
        if data.organisation_id and data.organisation_id != opportunity.organisation_id
        else opportunity.organisation_id
    )
    _check_closing_date(data, unchanged=opportunity.closing_date)
    override = _guarded(data)
    before = _snapshot(opportunity)
    was_closed = opportunity.is_closed(clock.now())
    _apply(opportunity, data, organisation_id)
    if not opportunity.is_closed(clock.now()):
        opportunity.closed_at = None
        if was_closed:
            announce_to_alerts(db, opportunity=opportunity, actor=actor)
    opportunity.updated_at = clock.now()
    db.flush()
    enqueue_sync(db, kind="opportunity", id=opportunity.id)
    record_override(db, actor=actor, subject=_guard_subject(opportunity), override=override)
    after = _snapshot(opportunity)
    audit.record(
        db,
        actor=actor,
        action="opportunity_changed",
        subject=None,
        subject_label=opportunity.title,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    return opportunity


def withdraw_opportunity(
    db: Session, *, actor: Member, opportunity_id: str, reason: str
) -> Opportunity:
    opportunity = _load(db, opportunity_id)
    check_manage_opportunity_permission(actor, opportunity)
    cleaned = reason.strip()[:1000]
    if not cleaned:
        raise InvalidInput({"reason": "Say why it is withdrawn (the audit log keeps it)."})
    if opportunity.withdrawn_at is not None:
        raise InvalidInput({"reason": "This opportunity is already withdrawn."})
    opportunity.withdrawn_at, opportunity.withdrawn_reason = clock.now(), cleaned
    db.flush()
    enqueue_sync(db, kind="opportunity", id=opportunity.id)
    audit.record(
        db,
        actor=actor,
        action="opportunity_withdrawn",
        subject=None,
        subject_label=opportunity.title,
        reason=cleaned,
        after={"withdrawn": True},
    )
    return opportunity


@dataclass(frozen=True)
class OpportunityView:
    opportunity: Opportunity
    is_closed: bool
    may_manage: bool


def get_opportunity(db: Session, *, viewer: Member, opportunity_id: str) -> OpportunityView:
    opportunity = _load(db, opportunity_id)
    check_view_opportunity_permission(viewer, opportunity)
    return OpportunityView(
        opportunity=opportunity,
        is_closed=opportunity.is_closed(clock.now()),
        may_manage=may_manage_opportunity(viewer, opportunity),
    )


def list_opportunities(
    db: Session,
    *,
    viewer: Member,
    opportunity_filter: OpportunityFilter,
    sort: Sort = "closing",
    cursor: Cursor | None,
    limit: int,
) -> tuple[list[OpportunityView], CappedCount, KeysetPage[Any]]:
    """Open opportunities only, closing soonest or newest first; two queries (count and
    page) plus one for organisations, whatever the number of rows."""
    now = clock.now()
    conditions = [listed_opportunities_filter(now), *filter_conditions(opportunity_filter, now)]
    total = capped_count(db, select(Opportunity.id).where(*conditions))  # type: ignore[arg-type]
    page = keyset_page(
        db,
        select(Opportunity)
        .where(*conditions)  # type: ignore[arg-type]
        .options(selectinload(Opportunity.organisation)),
        keys=(
            [Opportunity.closes_at, Opportunity.id]
            if sort == "closing"
            else [Opportunity.created_at, Opportunity.id]
        ),
        descending=sort != "closing",
        cursor=cursor,
        limit=limit,
    )
    rows = [row[0] for row in page.items]
    views = [
        OpportunityView(
            opportunity=row, is_closed=False, may_manage=may_manage_opportunity(viewer, row)
        )
        for row in rows
    ]
    return views, total, page


def new_this_week(db: Session, *, viewer: Member, limit: int = 5) -> list[OpportunityView]:
    """The home page's block: open ones posted in the last seven days, newest first."""
    now = clock.now()
    rows = db.execute(
        select(Opportunity)
        .where(listed_opportunities_filter(now), Opportunity.created_at > now - timedelta(days=7))
        .options(selectinload(Opportunity.organisation))
        .order_by(Opportunity.created_at.desc(), Opportunity.id)
        .limit(limit)
    ).scalars()
    return [OpportunityView(opportunity=row, is_closed=False, may_manage=False) for row in rows]


def apply_target(opportunity: Opportunity) -> str:
    return opportunity.apply_url or f"mailto:{opportunity.apply_email}"


def record_apply_click(db: Session, *, actor: Member, opportunity_id: str) -> str:
    """Count the member's click once, however often they click, and answer where to go.
    The insert ignores a second click in the database itself, so two at once count once."""
    view = get_opportunity(db, viewer=actor, opportunity_id=opportunity_id)
    if view.opportunity.withdrawn_at is not None or view.is_closed:
        raise InvalidInput({"form": "This opportunity is closed; it no longer takes applications."})
    values = {
        "id": new_id(),
        "opportunity_id": opportunity_id,
        "member_id": actor.id,
        "clicked_at": clock.now(),
    }
    dialect = db.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.execute(
        insert(ApplyClick)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["opportunity_id", "member_id"])
    )
    return apply_target(view.opportunity)


def close_due(db: Session, *, now: datetime | None = None) -> list[str]:
    """The worker's job: mark opportunities whose closing day has ended as closed and queue
    their re-indexing, so search forgets them without anyone acting. Bounded: one indexed
    query and one update, however many close at once."""
    at = now or clock.now()
    due = list(
        db.execute(
            select(Opportunity.id).where(
                Opportunity.closed_at.is_(None),
                Opportunity.withdrawn_at.is_(None),
                Opportunity.closes_at <= at,
            )
        ).scalars()
    )
    if due:
        db.execute(update(Opportunity).where(Opportunity.id.in_(due)).values(closed_at=at))
        enqueue_sync_many(db, kind="opportunity", ids=due)
    return due


def organisation_choices_for(db: Session, actor: Member) -> list[Organisation]:
    """The organisations ``actor`` may post for: all for admins, else their own."""
    return list(
        db.execute(
            select(Organisation)
            .where(postable_organisations_filter(actor))
            .order_by(Organisation.name)
        ).scalars()
    )


def practice_areas(db: Session) -> list[str]:
    return list(db.execute(select(Topic.name).order_by(Topic.name)).scalars())
