"""Demo data for ``portal seed --demo``: people to sign in as through the development
provider. Later issues add resources, threads, events and groups."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import DEV_PROVIDER_NAME, Settings
from app.members.models import Member, MemberIdentity, MemberRole, MemberStatus, Organisation
from app.members.reference_data import ensure_partner_organisations


@dataclass(frozen=True)
class DemoPerson:
    subject: str
    name: str
    email: str
    organisation: str
    role: MemberRole
    is_admin: bool = False
    is_moderator: bool = False


DEMO_PEOPLE = (
    DemoPerson(
        "amara.okafor",
        "Amara Okafor",
        "amara.okafor@leeds.gov.uk",
        "Leeds City Council",
        MemberRole.PRINCIPAL_SOCIAL_WORKER,
        is_admin=True,
    ),
    DemoPerson(
        "tom.hargreaves",
        "Tom Hargreaves",
        "tom.hargreaves@sheffield.gov.uk",
        "Sheffield City Council",
        MemberRole.PRINCIPAL_SOCIAL_WORKER,
    ),
    DemoPerson(
        "priya.shah",
        "Priya Shah",
        "priya.shah@bradford.gov.uk",
        "Bradford Council",
        MemberRole.PRACTITIONER,
        is_moderator=True,
    ),
    DemoPerson(
        "gareth.evans",
        "Gareth Evans",
        "gareth.evans@hull.gov.uk",
        "Hull City Council",
        MemberRole.MANAGER,
    ),
    DemoPerson(
        "chloe.barker",
        "Chloe Barker",
        "chloe.barker@wakefield.gov.uk",
        "Wakefield Council",
        MemberRole.STUDENT,
    ),
    DemoPerson(
        "dr.helen.moss",
        "Dr Helen Moss",
        "h.moss@york.ac.example",
        "City of York Council",
        MemberRole.ACADEMIC,
    ),
)


def seed_demo(db: Session, *, settings: Settings) -> list[DemoPerson]:
    """Idempotent: people already present (by their dev-provider identity) are left alone."""
    ensure_partner_organisations(db)
    organisations = {
        organisation.name: organisation.id
        for organisation in db.execute(select(Organisation)).scalars()
    }
    issuer = settings.dev_oidc_issuer
    known_subjects = set(
        db.execute(select(MemberIdentity.subject).where(MemberIdentity.issuer == issuer)).scalars()
    )
    for person in DEMO_PEOPLE:
        if person.subject in known_subjects:
            continue
        member = Member(
            display_name=person.name,
            email=person.email,
            email_verified=True,
            status=MemberStatus.ACTIVE,
            role=person.role,
            organisation_id=organisations[person.organisation],
            is_admin=person.is_admin,
            is_moderator=person.is_moderator,
        )
        db.add(member)
        db.flush()
        db.add(
            MemberIdentity(
                member_id=member.id,
                provider_name=DEV_PROVIDER_NAME,
                issuer=issuer,
                subject=person.subject,
                claims={"sub": person.subject, "email": person.email, "name": person.name},
            )
        )
    db.flush()
    return list(DEMO_PEOPLE)
