"""Rules about members: the admin area, moderating members, the directory and profiles.

Rules are functions named ``check_<verb>_<object>_permission`` that raise NotFound when the
member may not even know the object exists (404 before 403), and Forbidden when they may
see it but not act. Beside each rule for a list sits the SQL filter that applies it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound
from app.members.models import DEFAULT_VISIBILITY, Member, MemberStatus, Visibility

ADMIN_ONLY_ACTIONS = frozenset(
    {
        "grant_admin",
        "remove_admin",
        "grant_moderator",
        "remove_moderator",
        "grant_recruiter",
        "remove_recruiter",
        "grant_organisation_admin",
        "remove_organisation_admin",
    }
)


def may_use_admin_area(actor: Member) -> bool:
    return actor.is_staff


def check_use_admin_area_permission(actor: Member) -> None:
    """Admins and moderators; everyone else is told the admin area does not exist."""
    if not may_use_admin_area(actor):
        raise NotFound()


def may_use_admin_only_pages(actor: Member) -> bool:
    """The audit log, organisations, search and e-mail pages, and the admin-only links."""
    return actor.is_admin


def check_admin_only_permission(actor: Member) -> None:
    if not may_use_admin_only_pages(actor):
        raise NotFound()


RESPONSIBILITIES = ("champion", "recruiter", "organisation_admin", "moderator", "admin")
"""The portal responsibilities a member can be given (``is_<name>`` on the member)."""


def responsibility_label(flag: str) -> str:
    """How a responsibility reads in a sentence ("Make organisation admin")."""
    return flag.replace("_", " ")


def responsibilities(subject: Member) -> list[str]:
    """The responsibilities ``subject`` holds, highest first, as data for the pages that
    show them; not for deciding anything."""
    held = (
        ("admin", subject.is_admin),
        ("moderator", subject.is_moderator),
        ("champion", subject.is_champion),
        ("recruiter", subject.is_recruiter),
        ("organisation_admin", subject.is_organisation_admin),
    )
    return [flag for flag, has in held if has]


def may_change_responsibility(actor: Member, flag: str) -> bool:
    """Which grant/remove buttons to offer: the same rule as check_moderate_member_permission."""
    return f"grant_{flag}" not in ADMIN_ONLY_ACTIONS or actor.is_admin


def is_last_active_admin(db: Session, subject: Member) -> bool:
    """The portal always keeps one active admin: the last one cannot be removed, suspended
    or erased."""
    if not (subject.is_admin and subject.status == MemberStatus.ACTIVE):
        return False
    active_admins = (
        select(func.count())
        .select_from(Member)
        .where(Member.is_admin, Member.status == MemberStatus.ACTIVE)
    )
    return db.execute(active_admins).scalar_one() <= 1


APPLICATION_DECISIONS = frozenset({"approve", "reject"})


def check_moderate_member_permission(actor: Member, subject: Member, action: str) -> None:
    if action in APPLICATION_DECISIONS and may_review_application(actor, subject):
        return
    check_use_admin_area_permission(actor)
    if action in ADMIN_ONLY_ACTIONS and not actor.is_admin:
        raise Forbidden(
            "Only admins can grant or remove the recruiter, organisation admin, moderator "
            "and admin roles."
        )
    if actor.id == subject.id:
        raise Forbidden("You cannot do that to your own account; ask another admin.")
    if not actor.is_admin and subject.is_staff:
        raise Forbidden("Moderators cannot act on admins or other moderators.")


def application_reviewers_filter(organisation_id: str | None) -> ColumnElement[bool]:
    """Who is told that an application waits: the active admins, and the active
    organisation admins of the applicant's organisation."""
    reviewers = Member.is_admin
    if organisation_id is not None:
        reviewers = or_(
            Member.is_admin,
            and_(Member.is_organisation_admin, Member.organisation_id == organisation_id),
        )
    return and_(reviewers, Member.status == MemberStatus.ACTIVE)


def reviews_own_organisation(viewer: Member) -> bool:
    """An active organisation admin with an organisation: they get the page of their
    organisation's applicants and the applications' notifications and e-mail settings."""
    return (
        viewer.is_organisation_admin
        and viewer.organisation_id is not None
        and viewer.status == MemberStatus.ACTIVE
    )


def may_review_applications(viewer: Member) -> bool:
    """Whether any application ever reaches ``viewer`` (the e-mail settings' question)."""
    return (viewer.is_admin and viewer.status == MemberStatus.ACTIVE) or (
        reviews_own_organisation(viewer)
    )


def may_review_application(viewer: Member, applicant: Member) -> bool:
    """Approve or reject this applicant, and be told about them: admins for everyone,
    an organisation admin for their own organisation's applicants only. A sign-in that uses
    another member's e-mail address is left to the admins, who can link it to that member."""
    if viewer.is_admin and viewer.status == MemberStatus.ACTIVE:
        return True
    return (
        reviews_own_organisation(viewer)
        and viewer.id != applicant.id
        and applicant.organisation_id == viewer.organisation_id
        and applicant.duplicate_of_id is None
    )


def check_review_organisation_applications_permission(viewer: Member) -> None:
    """The organisation's applications page: anyone who is not an organisation admin is
    told it does not exist."""
    if not reviews_own_organisation(viewer):
        raise NotFound()


def organisation_applicants_filter(viewer: Member) -> ColumnElement[bool]:
    """SQL twin of may_review_application for the organisation's applications page."""
    if not reviews_own_organisation(viewer):
        return false()
    return and_(
        Member.status == MemberStatus.PENDING,
        Member.organisation_id == viewer.organisation_id,
        Member.id != viewer.id,
        Member.duplicate_of_id.is_(None),
    )


def listed_in_directory() -> ColumnElement[bool]:
    """The directory's SQL filter: only active members are listed, to everyone."""
    return Member.status == MemberStatus.ACTIVE


def check_view_profile_permission(viewer: Member, subject: Member) -> None:
    if subject.status != MemberStatus.ACTIVE and viewer.id != subject.id and not viewer.is_staff:
        raise NotFound()


def may_see_profile_field(viewer: Member, subject: Member, field: str) -> bool:
    if viewer.id == subject.id or viewer.is_admin:
        return True
    visibility = subject.visibility_of(field)
    if visibility == Visibility.MEMBERS:
        return True
    if visibility == Visibility.ORGANISATION:
        return subject.organisation_id is not None and (
            viewer.organisation_id == subject.organisation_id
        )
    return False


def profile_field_visible_filter(viewer: Member, field: str) -> ColumnElement[bool]:
    """SQL twin of may_see_profile_field, for lists that filter on a profile field."""
    if viewer.is_admin:
        return true()
    effective = func.coalesce(
        Member.profile_visibility[field].as_string(), DEFAULT_VISIBILITY[field].value
    )
    organisation_match = (
        Member.organisation_id == viewer.organisation_id
        if viewer.organisation_id is not None
        else false()
    )
    return or_(
        Member.id == viewer.id,
        effective == Visibility.MEMBERS.value,
        and_(effective == Visibility.ORGANISATION.value, organisation_match),
    )
