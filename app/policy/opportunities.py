"""Who may post, change and see opportunities.

Every active member sees open opportunities and the page of a closed one (marked closed).
Recruiters post for their own organisation only; admins for any. An opportunity is changed,
extended, reopened and withdrawn by the recruiters of its organisation (the poster and the
colleagues who cover for them) and by admins. A withdrawn opportunity is "not found" for
everyone else.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, true

from app.errors import Forbidden, NotFound
from app.members.models import Member, Organisation
from app.opportunities.models import Opportunity, OpportunityAlert


def may_post_opportunities(actor: Member) -> bool:
    """Whether to offer "Post an opportunity" at all."""
    return actor.is_admin or (actor.is_recruiter and actor.organisation_id is not None)


def may_post_for(actor: Member, organisation_id: str) -> bool:
    return actor.is_admin or (actor.is_recruiter and actor.organisation_id == organisation_id)


def postable_organisations_filter(actor: Member) -> ColumnElement[bool]:
    """SQL twin of may_post_for, on Organisation rows (the form's choices)."""
    if actor.is_admin:
        return true()
    if not may_post_opportunities(actor):
        return false()
    return Organisation.id == actor.organisation_id


def check_post_opportunity_permission(actor: Member, organisation_id: str) -> None:
    if not may_post_opportunities(actor):
        raise Forbidden("Only recruiters, whom an admin names, and admins can post opportunities.")
    if not may_post_for(actor, organisation_id):
        raise Forbidden("A recruiter posts opportunities for their own organisation only.")


def may_manage_opportunity(actor: Member, opportunity: Opportunity) -> bool:
    return may_post_for(actor, opportunity.organisation_id)


def check_view_opportunity_permission(viewer: Member, opportunity: Opportunity) -> None:
    if opportunity.withdrawn_at is not None and not may_manage_opportunity(viewer, opportunity):
        raise NotFound("There is no such opportunity.")


def check_manage_opportunity_permission(actor: Member, opportunity: Opportunity) -> None:
    check_view_opportunity_permission(actor, opportunity)
    if not may_manage_opportunity(actor, opportunity):
        raise Forbidden("Only the organisation's recruiters or an admin can change it.")


def listed_opportunities_filter(now: datetime) -> ColumnElement[bool]:
    """Lists, the home page and alerts: open ones only, i.e. not withdrawn and before the
    end of the closing day (compared with the clock, so a list is right before the worker
    has marked anything closed)."""
    return and_(Opportunity.withdrawn_at.is_(None), Opportunity.closes_at > now)


def may_use_opportunity_report(actor: Member) -> bool:
    return actor.is_admin


def check_use_opportunity_report_permission(actor: Member) -> None:
    if not may_use_opportunity_report(actor):
        raise NotFound()


def check_own_alert_permission(member: Member, alert: OpportunityAlert | None) -> None:
    """A member's alerts are theirs alone: anyone else's do not exist for them."""
    if alert is None or alert.member_id != member.id:
        raise NotFound("There is no such alert.")
