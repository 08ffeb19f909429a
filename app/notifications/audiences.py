"""Who an announcement is for, written by the request as data and turned into a query by
the worker: a few named audiences (an event's bookers, a thread's or a category's
followers, the moderators of some content) and explicit member ids. An audience says who
might be told; the policy then says who may be (app/policy/notifications.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from app.discussions.models import CategoryFollow, ThreadFollow
from app.events.models import Booking
from app.members.models import Member
from app.opportunities.filters import filter_conditions
from app.opportunities.models import Opportunity, OpportunityAlert
from app.policy.members import application_reviewers_filter
from app.policy.moderation import moderators_filter
from app.policy.opportunities import listed_opportunities_filter

Audience = dict[str, Any]


def members(*member_ids: str) -> Audience:
    return {"members": sorted(set(member_ids))}


def event_bookers(event_id: str, statuses: tuple[str, ...]) -> Audience:
    return {"event_bookers": event_id, "statuses": list(statuses)}


def thread_followers(thread_id: str) -> Audience:
    return {"thread_followers": thread_id}


def category_followers(category_id: str) -> Audience:
    return {"category_followers": category_id}


def opportunity_alerts(opportunity_id: str) -> Audience:
    return {"opportunity_alerts": opportunity_id}


def moderators(group_id: str | None) -> Audience:
    """The portal's moderators and admins, and the group's own moderators for content in a
    group (app/policy/moderation.py moderators_filter)."""
    return {"moderators": group_id}


def application_reviewers(organisation_id: str | None) -> Audience:
    """The admins, and the organisation admins of the applicant's organisation."""
    return {"application_reviewers": True, "organisation": organisation_id}


def audience_member_ids(audience: Audience, as_of: datetime) -> Select[tuple[str]]:
    """Who was in the audience when the announcement was made: a member who followed the
    thread or booked the event afterwards is not told of what came before."""
    if "members" in audience:
        return select(Member.id).where(Member.id.in_(list(audience["members"])))
    if "application_reviewers" in audience:
        return select(Member.id).where(application_reviewers_filter(audience.get("organisation")))
    if "event_bookers" in audience:
        return select(Booking.member_id).where(
            Booking.event_id == audience["event_bookers"],
            Booking.status.in_(list(audience["statuses"])),
            Booking.requested_at <= as_of,
        )
    if "thread_followers" in audience:
        return select(ThreadFollow.member_id).where(
            ThreadFollow.thread_id == audience["thread_followers"],
            ThreadFollow.created_at <= as_of,
        )
    if "category_followers" in audience:
        return select(CategoryFollow.member_id).where(
            CategoryFollow.category_id == audience["category_followers"],
            CategoryFollow.created_at <= as_of,
        )
    if "opportunity_alerts" in audience:
        # one query over every saved alert: the same conditions as the list's filter, with
        # the alert's columns in place of the values; IN (…) tells a member with several
        # matching alerts once. An opportunity withdrawn or closed by now matches nobody.
        return (
            select(OpportunityAlert.member_id)
            .join(Opportunity, Opportunity.id == audience["opportunity_alerts"])
            .where(
                OpportunityAlert.created_at <= as_of,
                listed_opportunities_filter(as_of),
                *filter_conditions(OpportunityAlert, as_of),
            )
        )
    if "moderators" in audience:
        return select(Member.id).where(moderators_filter(audience["moderators"]))
    raise ValueError(f"unknown audience {sorted(audience)}")
