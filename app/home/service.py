"""What the home page shows a signed-in member."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.discussions.models import Thread
from app.discussions.service import recent_activity
from app.events.service import EventFilter, EventView, list_events
from app.members.models import Member, MemberIdentity, MemberStatus, Organisation
from app.opportunities.service import OpportunityView, new_this_week
from app.policy.members import may_use_admin_area
from app.resources.models import Resource
from app.resources.service import ResourceFilter, list_resources


@dataclass(frozen=True)
class HomeSummary:
    organisation_name: str | None
    signed_in_with: list[str]
    partner_organisations: list[str]
    active_member_count: int
    waiting_for_approval: int
    recent_discussions: list[Thread]
    new_resources: list[Resource]
    my_next_events: list[EventView]
    upcoming_events: list[EventView]
    new_opportunities: list[OpportunityView]


SHARED_FIGURES_SECONDS = 60.0
"""How old the figures every member sees alike (organisations, the member count) may be."""


@dataclass(frozen=True)
class _SharedFigures:
    organisation_names: dict[str, str]
    partner_organisations: list[str]
    active_member_count: int


_shared_figures: dict[str, tuple[float, _SharedFigures]] = {}
_shared_figures_lock = threading.Lock()


def _figures_for_everyone(db: Session) -> _SharedFigures:
    """Read at most once a minute per process and database, not once per home page."""
    key = str(db.get_bind().url)
    now = time.monotonic()
    with _shared_figures_lock:
        cached = _shared_figures.get(key)
    if cached is not None and now - cached[0] < SHARED_FIGURES_SECONDS:
        return cached[1]
    organisations = db.execute(
        select(Organisation.id, Organisation.name, Organisation.is_partner).order_by(
            Organisation.name
        )
    ).all()
    figures = _SharedFigures(
        organisation_names={row.id: row.name for row in organisations},
        partner_organisations=[row.name for row in organisations if row.is_partner],
        active_member_count=db.execute(
            select(func.count()).select_from(Member).where(Member.status == MemberStatus.ACTIVE)
        ).scalar_one(),
    )
    with _shared_figures_lock:
        _shared_figures[key] = (now, figures)
    return figures


def home_summary(db: Session, *, member: Member) -> HomeSummary:
    shared = _figures_for_everyone(db)
    organisation_name = None
    if member.organisation_id:
        organisation_name = shared.organisation_names.get(member.organisation_id) or (
            db.execute(
                select(Organisation.name).where(Organisation.id == member.organisation_id)
            ).scalar_one_or_none()
        )
    providers = db.execute(
        select(MemberIdentity.provider_name).where(MemberIdentity.member_id == member.id)
    ).scalars()
    waiting = (
        db.execute(
            select(func.count()).select_from(Member).where(Member.status == MemberStatus.PENDING)
        ).scalar_one()
        if may_use_admin_area(member)
        else 0
    )
    return HomeSummary(
        organisation_name=organisation_name,
        signed_in_with=sorted(set(providers)),
        partner_organisations=shared.partner_organisations,
        active_member_count=shared.active_member_count,
        waiting_for_approval=waiting,
        recent_discussions=recent_activity(db, viewer=member, limit=5),
        new_resources=list_resources(
            db, viewer=member, resource_filter=ResourceFilter(), sort="newest", cursor=None, limit=5
        )[0],
        my_next_events=list_events(
            db, viewer=member, event_filter=EventFilter(when="mine"), cursor=None, limit=3
        )[0],
        upcoming_events=list_events(
            db, viewer=member, event_filter=EventFilter(), cursor=None, limit=3
        )[0],
        new_opportunities=new_this_week(db, viewer=member, limit=5),
    )
