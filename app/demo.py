"""Demo data for ``portal seed --demo``: people to sign in as through the development
provider, with profiles, and applications waiting for an admin. The other domains' seeds
(resources, discussions, events, groups, notifications) build on these people."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import DEV_PROVIDER_NAME, Settings
from app.db import utcnow
from app.members.models import (
    Member,
    MemberIdentity,
    MemberRole,
    MemberStatus,
    Organisation,
    OrganisationKind,
)
from app.members.reference_data import ensure_partner_organisations
from app.topics.models import Topic
from app.topics.reference_data import ensure_topics

DEMO_UNIVERSITY = "University of York"


@dataclass(frozen=True)
class DemoPerson:
    subject: str
    name: str
    email: str
    organisation: str | None
    role: MemberRole
    job_title: str = ""
    team: str = ""
    areas: tuple[str, ...] = ()
    bio: str = ""
    responsibilities: tuple[str, ...] = ()
    """Any of "admin", "moderator", "champion", in that order."""
    status: MemberStatus = MemberStatus.ACTIVE
    visibility: dict[str, str] = field(default_factory=dict)
    pending_reason: str = ""
    """Why an applicant waits, as admission would have recorded it."""


DEMO_PEOPLE = (
    DemoPerson(
        "amara.okafor",
        "Amara Okafor",
        "amara.okafor@leeds.gov.uk",
        "Leeds City Council",
        MemberRole.PRINCIPAL_SOCIAL_WORKER,
        job_title="Principal social worker",
        team="Practice improvement",
        areas=("Supervision and reflective practice", "Anti-racist practice"),
        bio="Chair of the regional principal social worker group.",
        responsibilities=("admin",),
    ),
    DemoPerson(
        "tom.hargreaves",
        "Tom Hargreaves",
        "tom.hargreaves@sheffield.gov.uk",
        "Sheffield City Council",
        MemberRole.PRINCIPAL_SOCIAL_WORKER,
        job_title="Principal social worker",
        areas=("Court work", "Child protection"),
    ),
    DemoPerson(
        "priya.shah",
        "Priya Shah",
        "priya.shah@bradford.gov.uk",
        "Bradford Council",
        MemberRole.PRACTITIONER,
        job_title="Advanced practitioner",
        team="Child exploitation",
        areas=("Child exploitation", "Transitional safeguarding"),
        responsibilities=("moderator", "champion"),
        bio="Ask me about contextual safeguarding and return interviews.",
    ),
    DemoPerson(
        "gareth.evans",
        "Gareth Evans",
        "gareth.evans@hull.gov.uk",
        "Hull City Council",
        MemberRole.MANAGER,
        job_title="Team manager",
        team="Children in care",
        areas=("Looked-after children", "Care leavers"),
        responsibilities=("champion",),
        visibility={"email": "only_me"},
    ),
    DemoPerson(
        "chloe.barker",
        "Chloe Barker",
        "chloe.barker@wakefield.gov.uk",
        "Wakefield Council",
        MemberRole.STUDENT,
        job_title="Social work student",
        areas=("Newly qualified and ASYE",),
        visibility={"bio": "organisation"},
        bio="Final-year student on placement in a family support team.",
    ),
    DemoPerson(
        "dr.helen.moss",
        "Dr Helen Moss",
        "h.moss@york.ac.uk",
        DEMO_UNIVERSITY,
        MemberRole.ACADEMIC,
        job_title="Senior lecturer in social work",
        areas=("Neglect", "Poverty"),
        bio="Researches neglect and family poverty.",
    ),
    DemoPerson(
        "nadia.khan",
        "Nadia Khan",
        "nadia.khan@kirklees.gov.uk",
        "Kirklees Council",
        MemberRole.PRINCIPAL_SOCIAL_WORKER,
        job_title="Principal social worker",
        areas=("Transitional safeguarding", "Anti-racist practice"),
    ),
    DemoPerson(
        "sam.agency",
        "Sam Okoye",
        "sam.okoye@example-agency.co.uk",
        None,
        MemberRole.PRACTITIONER,
        job_title="Locum social worker",
        status=MemberStatus.PENDING,
        pending_reason="No organisation of the partnership uses the e-mail domain "
        "example-agency.co.uk.",
    ),
    DemoPerson(
        "siobhan.osullivan",
        "Siobhán O'Súilleabháin",
        "siobhan@calderdale.gov.uk",
        "Calderdale Council",
        MemberRole.PRACTITIONER,
        status=MemberStatus.PENDING,
        pending_reason="The identity provider did not confirm the e-mail address "
        "siobhan@calderdale.gov.uk.",
    ),
)

DEMO_PARTNER_EMAIL_DOMAINS = {
    "Barnsley Council": ["barnsley.gov.uk"],
    "Bradford Council": ["bradford.gov.uk"],
    "Calderdale Council": ["calderdale.gov.uk"],
    "City of York Council": ["york.gov.uk"],
    "Doncaster Children's Services Trust": ["dcstrust.co.uk"],
    "East Riding of Yorkshire Council": ["eastriding.gov.uk"],
    "Hull City Council": ["hullcc.gov.uk"],
    "Kirklees Council": ["kirklees.gov.uk"],
    "Leeds City Council": ["leeds.gov.uk"],
    "North East Lincolnshire Council": ["nelincs.gov.uk"],
    "North Lincolnshire Council": ["northlincs.gov.uk"],
    "North Yorkshire Council": ["northyorks.gov.uk"],
    "Rotherham Council": ["rotherham.gov.uk"],
    "Sheffield City Council": ["sheffield.gov.uk"],
    "Wakefield Council": ["wakefield.gov.uk"],
}
"""The demo's partner authorities vouch for these domains, so a new sign-in with a
verified address in one of them is admitted at once (the README shows how). A real
installation sets each organisation's domains under Admin → Organisations."""


def _ensure_partner_domains(db: Session) -> None:
    for organisation in db.execute(
        select(Organisation).where(Organisation.name.in_(list(DEMO_PARTNER_EMAIL_DOMAINS)))
    ).scalars():
        if not organisation.email_domains:
            organisation.email_domains = DEMO_PARTNER_EMAIL_DOMAINS[organisation.name]
    db.flush()


def _ensure_demo_university(db: Session) -> None:
    if db.execute(select(Organisation.id).where(Organisation.name == DEMO_UNIVERSITY)).first():
        return
    db.add(
        Organisation(
            name=DEMO_UNIVERSITY,
            slug="university-of-york",
            kind=OrganisationKind.UNIVERSITY,
            is_partner=True,
            email_domains=["york.ac.uk"],
        )
    )
    db.flush()


def seed_demo(db: Session, *, settings: Settings) -> list[DemoPerson]:
    """Idempotent: people already present (by their dev-provider identity) are left alone."""
    ensure_partner_organisations(db)
    ensure_topics(db)
    _ensure_demo_university(db)
    _ensure_partner_domains(db)
    organisations = {
        organisation.name: organisation.id
        for organisation in db.execute(select(Organisation)).scalars()
    }
    topics = {topic.name: topic for topic in db.execute(select(Topic)).scalars()}
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
            status=person.status,
            status_reason=person.pending_reason or None,
            onboarded_at=utcnow() if person.status == MemberStatus.ACTIVE else None,
            role=person.role,
            organisation_id=organisations[person.organisation] if person.organisation else None,
            job_title=person.job_title or None,
            team=person.team or None,
            bio=person.bio or None,
            is_admin="admin" in person.responsibilities,
            is_moderator="moderator" in person.responsibilities,
            is_champion="champion" in person.responsibilities,
            profile_visibility=dict(person.visibility),
            areas_of_practice=[topics[name] for name in person.areas],
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
