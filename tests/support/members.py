"""Members for directory and profile tests: arranged directly in the database, and signed
in on a test client with the session sign-in would start."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.members.models import Member, MemberRole, MemberStatus, Organisation
from app.search.sync import enqueue_sync
from app.topics.models import Topic
from tests.support.database import see_committed
from tests.support.factories import make_member
from tests.support.sessions import sign_in_as_member


def browser(app: FastAPI) -> TestClient:
    """Another browser: its own cookies, nobody signed in."""
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


def signed_in(
    client: TestClient,
    *,
    subject: str,
    name: str,
    provider: str = "leeds",
    email: str | None = None,
) -> str:
    """A new active member of ``provider``'s organisation with an identity there, queued for
    the search index as first sign-in queues them, and signed in on ``client`` (a session
    as sign-in starts it, without the provider); returns the id. What a first sign-in
    itself creates is tested in tests/test_sign_in.py."""
    app: FastAPI = client.app  # type: ignore[assignment]
    config = app.state.identity_providers.get(provider)
    assert config is not None, provider
    with app.state.session_factory() as db:
        member = make_member(
            db,
            name=name,
            issuer=config.issuer,
            subject=subject,
            email=email or f"{subject}@example.org",
            organisation=config.organisation,
            provider=provider,
        )
        member_id = member.id
        enqueue_sync(db, kind="member", id=member_id)
        db.commit()
    return sign_in_as_member(client, member_id, provider_name=provider)


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
