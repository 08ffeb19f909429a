"""A member's own data held by the members package: their profile and visibility choices,
the identities they sign in with, their organisation and their API tokens."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.members.models import (
    PROFILE_FIELDS_WITH_VISIBILITY,
    AdminInvitation,
    ApiToken,
    Member,
    MemberIdentity,
    Organisation,
)
from app.policy.members import responsibilities
from app.privacy.kinds import ErasureContext, ExportFile, PersonalData, Row, columns_of
from app.topics.models import Topic, member_topic


def profile_rows(db: Session, member_id: str) -> Iterator[Row]:
    member = db.get_one(Member, member_id)
    areas = db.execute(
        select(Topic.name)
        .join(member_topic, member_topic.c.topic_id == Topic.id)
        .where(member_topic.c.member_id == member_id)
        .order_by(Topic.name)
    ).scalars()
    yield {
        **columns_of(
            member,
            "id",
            "display_name",
            "handle",
            "email",
            "email_verified",
            "status",
            "role",
            "job_title",
            "team",
            "bio",
            "status_reason",
            "suspended_until",
            "joined_at",
            "last_seen_at",
        ),
        "areas_of_practice": list(areas),
        "visibility": {
            field: member.visibility_of(field).value for field in PROFILE_FIELDS_WITH_VISIBILITY
        },
        "responsibilities": responsibilities(member),
    }


def identity_rows(db: Session, member_id: str) -> Iterator[Row]:
    for identity in db.execute(
        select(MemberIdentity)
        .where(MemberIdentity.member_id == member_id)
        .order_by(MemberIdentity.created_at)
    ).scalars():
        yield columns_of(
            identity,
            "provider_name",
            "issuer",
            "subject",
            "claims",
            "created_at",
            "last_sign_in_at",
        )


def organisation_rows(db: Session, member_id: str) -> Iterator[Row]:
    for organisation in db.execute(
        select(Organisation)
        .join(Member, Member.organisation_id == Organisation.id)
        .where(Member.id == member_id)
    ).scalars():
        yield columns_of(organisation, "name", "kind", "is_partner")


def token_rows(db: Session, member_id: str) -> Iterator[Row]:
    for token in db.execute(
        select(ApiToken).where(ApiToken.member_id == member_id).order_by(ApiToken.created_at)
    ).scalars():
        yield columns_of(token, "name", "prefix", "created_at", "last_used_at", "revoked_at")


def erase(db: Session, context: ErasureContext) -> None:
    """Identities and tokens go with the member's row (cascade); an invitation kept under
    their e-mail address does not, so it goes here."""
    addresses = [value.lower() for value in context.identifying if "@" in value]
    if addresses:
        db.execute(delete(AdminInvitation).where(func.lower(AdminInvitation.email).in_(addresses)))
    db.execute(delete(MemberIdentity).where(MemberIdentity.member_id == context.member_id))
    db.execute(delete(ApiToken).where(ApiToken.member_id == context.member_id))


PERSONAL_DATA = PersonalData(
    domain="members",
    files=(
        ExportFile(
            "profile.json",
            "Your profile: name, e-mail address, role, job title, team, areas of practice, "
            "about you, who may see each field (visibility), and the responsibilities you hold.",
            profile_rows,
        ),
        ExportFile(
            "identities.json",
            "The sign-in accounts (identity provider, issuer, subject) you sign in with, and "
            "the claims they last sent.",
            identity_rows,
        ),
        ExportFile("organisations.json", "The organisation you belong to.", organisation_rows),
        ExportFile(
            "api_tokens.json",
            "Your API tokens: names, first characters and dates (never the token itself).",
            token_rows,
        ),
    ),
    erase=erase,
)
