"""Organisation admins: the applicants from their own organisation who wait for a decision.

The decision itself is the admins' (``approve`` and ``reject`` in admin_actions.py), which
the policy lets an organisation admin take for their own organisation's applicants."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.members.models import Member, Organisation
from app.policy.members import (
    check_review_organisation_applications_permission,
    organisation_applicants_filter,
)

MAX_LISTED = 200


@dataclass(frozen=True)
class OrganisationApplications:
    organisation_name: str
    applicants: list[Member]


def organisation_applications(db: Session, *, viewer: Member) -> OrganisationApplications:
    check_review_organisation_applications_permission(viewer)
    organisation = db.get(Organisation, viewer.organisation_id)
    applicants = db.execute(
        select(Member)
        .where(organisation_applicants_filter(viewer))
        .order_by(Member.joined_at, Member.id)
        .limit(MAX_LISTED)
    ).scalars()
    return OrganisationApplications(
        organisation_name=organisation.name if organisation else "your organisation",
        applicants=list(applicants),
    )
