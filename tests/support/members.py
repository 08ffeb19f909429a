"""Members for directory and profile tests: signed in through a real provider, or arranged
directly in the database when a test needs many of them."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.members.models import Member, MemberRole, MemberStatus, Organisation
from app.topics.models import Topic
from tests.support.database import see_committed
from tests.support.flows import sign_in


def browser(app: FastAPI) -> TestClient:
    """Another browser: its own cookies, nobody signed in."""
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


def signed_in(
    client: TestClient,
    *,
    provider_url: str,
    subject: str,
    name: str,
    provider: str = "leeds",
    email: str | None = None,
) -> str:
    """Sign ``client`` in and return the member's id."""
    sign_in(
        client,
        provider=provider,
        provider_url=provider_url,
        subject=subject,
        claims={"name": name, "email": email or f"{subject}@example.org"},
    )
    response = client.get("/api/v1/me")
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def add_member(
    db: Session,
    name: str,
    *,
    organisation: str | None = "Leeds City Council",
    status: MemberStatus = MemberStatus.ACTIVE,
    role: MemberRole = MemberRole.PRACTITIONER,
    job_title: str | None = None,
    team: str | None = None,
    bio: str | None = None,
    areas: Iterable[str] = (),
    visibility: dict[str, str] | None = None,
    is_champion: bool = False,
    is_admin: bool = False,
) -> str:
    """A member arranged in the database (committed); returns their id."""
    organisation_id = (
        db.execute(select(Organisation.id).where(Organisation.name == organisation)).scalar_one()
        if organisation
        else None
    )
    member = Member(
        display_name=name,
        email=f"{name.lower().replace(' ', '.')}@example.org",
        status=status,
        role=role,
        organisation_id=organisation_id,
        job_title=job_title,
        team=team,
        bio=bio,
        profile_visibility=visibility or {},
        is_champion=is_champion,
        is_admin=is_admin,
    )
    slugs = list(areas)
    member.areas_of_practice = (
        list(db.execute(select(Topic).where(Topic.slug.in_(slugs))).scalars()) if slugs else []
    )
    db.add(member)
    db.commit()
    return member.id


def set_member(db: Session, member_id: str, **values: object) -> None:
    """Change a member directly in the database (committed), e.g. ``status=...``."""
    see_committed(db)
    member = db.get_one(Member, member_id)
    for name, value in values.items():
        setattr(member, name, value)
    db.commit()
