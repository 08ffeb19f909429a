"""The first sign-in's short questions: check the name, role and organisation the sign-in
brought, choose areas of practice and discussion categories to follow, and how often the
digest e-mail comes (docs/decisions.md, 31). Asked once: finishing or skipping records
``onboarded_at``, and the sign-in callback leads only members without it here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db import utcnow
from app.discussions.models import Category, CategoryFollow
from app.discussions.service import category_choices, follow_category
from app.errors import InvalidInput
from app.members.models import Member, MemberRole, Organisation
from app.notifications.kinds import DigestFrequency
from app.notifications.service import preferences, save_preferences
from app.outbox.sync import enqueue_sync
from app.topics.models import Topic


@dataclass(frozen=True)
class OnboardingAnswers:
    display_name: str
    role: str
    organisation_id: str
    areas_of_practice: list[str]
    categories: list[str]
    digest_frequency: str


@dataclass(frozen=True)
class OnboardingPage:
    member: Member
    organisations: list[Organisation]
    """Offered only when the sign-in found none; otherwise the organisation is shown as it
    is (it decided admission, so a member does not change it here)."""
    topics: list[Topic]
    categories: list[Category]
    answers: OnboardingAnswers


def _with_areas(db: Session, member_id: str) -> Member:
    return db.execute(
        select(Member)
        .where(Member.id == member_id)
        .options(selectinload(Member.areas_of_practice), selectinload(Member.organisation))
    ).scalar_one()


def onboarding_page(
    db: Session, *, member: Member, answers: OnboardingAnswers | None = None
) -> OnboardingPage:
    """The questions, with the member's current answers (or those just sent back)."""
    subject = _with_areas(db, member.id)
    categories = [c for c in category_choices(db, viewer=member) if c.group_id is None]
    followed = set(
        db.execute(
            select(CategoryFollow.category_id).where(CategoryFollow.member_id == member.id)
        ).scalars()
    )
    current = answers or OnboardingAnswers(
        display_name=subject.display_name,
        role=subject.role.value,
        organisation_id=subject.organisation_id or "",
        areas_of_practice=[topic.slug for topic in subject.areas_of_practice],
        categories=[category.id for category in categories if category.id in followed],
        digest_frequency=preferences(db, member=member).digest_frequency.value,
    )
    organisations = (
        []
        if subject.organisation_id
        else list(db.execute(select(Organisation).order_by(Organisation.name)).scalars())
    )
    topics = list(db.execute(select(Topic).order_by(Topic.name)).scalars())
    return OnboardingPage(subject, organisations, topics, categories, current)


def complete_onboarding(db: Session, *, member: Member, answers: OnboardingAnswers) -> Member:
    """All or nothing: every answer is checked before anything is saved."""
    subject = _with_areas(db, member.id)
    errors: dict[str, str] = {}
    name = " ".join(answers.display_name.split())
    if not name:
        errors["display_name"] = "Enter your name as colleagues know it"
    elif len(name) > 120:
        errors["display_name"] = "Name must be 120 characters or fewer"
    try:
        role = MemberRole(answers.role)
    except ValueError:
        errors["role"] = "Choose the role that fits you best"
    organisation = None
    if subject.organisation_id is None and answers.organisation_id:
        organisation = db.get(Organisation, answers.organisation_id)
        if organisation is None:
            errors["organisation_id"] = "Choose an organisation from the list"
    topics = list(
        db.execute(select(Topic).where(Topic.slug.in_(answers.areas_of_practice))).scalars()
    )
    if len(topics) != len(set(answers.areas_of_practice)):
        errors["areas_of_practice"] = "Choose areas of practice from the list"
    offered = {c.id for c in category_choices(db, viewer=member) if c.group_id is None}
    if not set(answers.categories) <= offered:
        errors["categories"] = "Choose categories from the list"
    if answers.digest_frequency not in {frequency.value for frequency in DigestFrequency}:
        errors["digest_frequency"] = "Choose how often the digest e-mail comes"
    if errors:
        raise InvalidInput(errors)

    subject.display_name = name
    subject.role = role
    if organisation is not None:
        subject.organisation_id = organisation.id
    subject.areas_of_practice = topics
    for category_id in offered:
        follow_category(
            db, actor=member, category_id=category_id, follow=category_id in answers.categories
        )
    save_preferences(db, member=member, deliveries={}, digest_frequency=answers.digest_frequency)
    subject.onboarded_at = utcnow()
    db.flush()
    enqueue_sync(db, kind="member", id=subject.id)
    return subject


def skip_onboarding(db: Session, *, member: Member) -> None:
    """Not now: the questions are not asked again; the profile page has them all."""
    db.get_one(Member, member.id).onboarded_at = utcnow()
    db.flush()
