"""Members' saved alerts: the list's filter kept, so that a newly posted (or reopened)
opportunity it matches is announced to them (the worker finds who, in one query:
app/notifications/audiences.py ``opportunity_alerts``)."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.errors import InvalidInput
from app.members.models import Member, Organisation
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.opportunities import clock
from app.opportunities.filters import OpportunityFilter
from app.opportunities.models import Opportunity, OpportunityAlert
from app.policy.opportunities import check_own_alert_permission
from app.topics.models import Topic

MAX_ALERTS_PER_MEMBER = 20


def _same_filter(alert: OpportunityAlert, wanted: OpportunityFilter) -> bool:
    return (
        alert.kind == wanted.kind
        and alert.organisation_id == wanted.organisation_id
        and alert.practice_area == wanted.practice_area
        and alert.location == wanted.location
        and alert.closing_within_week == wanted.closing_within_week
    )


def list_alerts(db: Session, *, member: Member) -> list[OpportunityAlert]:
    return list(
        db.execute(
            select(OpportunityAlert)
            .where(OpportunityAlert.member_id == member.id)
            .options(selectinload(OpportunityAlert.organisation))
            .order_by(OpportunityAlert.created_at, OpportunityAlert.id)
        ).scalars()
    )


def create_alert(db: Session, *, member: Member, wanted: OpportunityFilter) -> OpportunityAlert:
    if wanted.organisation_id and db.get(Organisation, wanted.organisation_id) is None:
        raise InvalidInput({"organisation_id": "There is no such organisation."})
    if wanted.practice_area and (
        db.execute(select(Topic.name).where(Topic.name == wanted.practice_area)).first() is None
    ):
        raise InvalidInput({"practice_area": "There is no such practice area."})
    existing = list_alerts(db, member=member)
    if any(_same_filter(alert, wanted) for alert in existing):
        raise InvalidInput({"form": "You already have an alert for these filters."})
    if len(existing) >= MAX_ALERTS_PER_MEMBER:
        raise InvalidInput(
            {"form": f"You can keep {MAX_ALERTS_PER_MEMBER} alerts; delete one first."}
        )
    alert = OpportunityAlert(
        member_id=member.id,
        kind=wanted.kind,
        organisation_id=wanted.organisation_id,
        practice_area=wanted.practice_area,
        location=wanted.location,
        closing_within_week=wanted.closing_within_week,
        created_at=clock.now(),
    )
    db.add(alert)
    db.flush()
    return alert


def delete_alert(db: Session, *, member: Member, alert_id: str) -> None:
    alert = db.get(OpportunityAlert, alert_id)
    check_own_alert_permission(member, alert)
    db.delete(alert)
    db.flush()


def announce_to_alerts(db: Session, *, opportunity: Opportunity, actor: Member) -> None:
    """One outbox row, whatever the number of alerts. The dedupe key is the opportunity's,
    so a member is told of an opportunity once, even if it is reopened later."""
    announce(
        db,
        parts=[(NotificationKind.OPPORTUNITY_MATCH, audiences.opportunity_alerts(opportunity.id))],
        subject_type="opportunity",
        subject_id=opportunity.id,
        actor_id=actor.id,
        dedupe_key=f"opportunity_match:{opportunity.id}",
    )


def describe_alert(alert: OpportunityAlert) -> str:
    parts = [
        alert.kind.label if alert.kind else None,
        alert.organisation.name if alert.organisation else None,
        alert.practice_area,
        alert.location.label if alert.location else None,
        "closing within a week" if alert.closing_within_week else None,
    ]
    chosen = [part for part in parts if part]
    return ", ".join(chosen) if chosen else "Every new opportunity"


def list_url(alert: OpportunityAlert) -> str:
    """The list this alert was saved from, as the filter form writes it."""
    query = {
        "kind": alert.kind.value if alert.kind else None,
        "organisation": alert.organisation_id,
        "practice_area": alert.practice_area,
        "location": alert.location.value if alert.location else None,
        "closing": "week" if alert.closing_within_week else None,
    }
    encoded = urlencode({name: value for name, value in query.items() if value})
    return "/opportunities" + (f"?{encoded}" if encoded else "")
