"""Who may see and do what with CPD records.

A CPD entry is its member's alone: nobody else, admins and moderators included, reads its
title or text on any page, list, API answer, export, notification or e-mail, and search
never holds it (app/policy/search.py). Anyone else asking for it is answered "not found".

A colleague invited to reflect on an entry sees that invitation only: the entry's title and
the member's question, never the entry's text; they add a note or refuse. Once the member
withdraws the invitation (or the colleague has answered), the invitation page is gone for
the colleague.

Organisers (and admins) of an event see how many of its attendees recorded it as CPD: a
count, never who or what they wrote.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from app.cpd.models import CpdEntry, CpdReflection, ReflectionStatus
from app.errors import Forbidden, NotFound
from app.events.models import Event
from app.members.models import Member, MemberRole, MemberStatus
from app.policy.events import check_manage_event_permission

REGISTERED_ROLES = (MemberRole.PRACTITIONER, MemberRole.MANAGER, MemberRole.PRINCIPAL_SOCIAL_WORKER)
"""Roles whose members are registered social workers, who get the year's reminders."""


def check_own_entry_permission(member: Member, entry: CpdEntry | None) -> CpdEntry:
    if entry is None or entry.member_id != member.id:
        raise NotFound("There is no such CPD entry.")
    return entry


def own_entries_filter(member: Member) -> ColumnElement[bool]:
    """SQL twin of check_own_entry_permission: every list and export goes through it."""
    return CpdEntry.member_id == member.id


def check_invite_peer_permission(member: Member, entry: CpdEntry, peer: Member | None) -> Member:
    """Any active member other than oneself may be asked; an unknown or inactive one is
    answered as a field error, not "not found", as the member typed the name."""
    check_own_entry_permission(member, entry)
    if peer is None or peer.status != MemberStatus.ACTIVE:
        raise Forbidden("There is no active member with that name on the portal.")
    if peer.id == member.id:
        raise Forbidden("Ask a colleague: you cannot reflect with yourself.")
    return peer


def check_answer_reflection_permission(
    member: Member, reflection: CpdReflection | None
) -> CpdReflection:
    """Only the invited colleague, and only while the invitation is open."""
    if (
        reflection is None
        or reflection.peer_id != member.id
        or reflection.status != ReflectionStatus.INVITED
    ):
        raise NotFound("There is no such invitation, or it was withdrawn.")
    return reflection


def open_invitations_filter(member: Member) -> ColumnElement[bool]:
    """SQL twin of check_answer_reflection_permission: the invitations a colleague sees."""
    return and_(
        CpdReflection.peer_id == member.id, CpdReflection.status == ReflectionStatus.INVITED
    )


def check_withdraw_reflection_permission(
    member: Member, entry: CpdEntry, reflection: CpdReflection | None
) -> CpdReflection:
    check_own_entry_permission(member, entry)
    if reflection is None or reflection.entry_id != entry.id:
        raise NotFound("There is no such invitation.")
    return reflection


def may_be_told_about_reflection(
    member: Member, reflection: CpdReflection, entry: CpdEntry
) -> bool:
    """Notifications about an invitation: the colleague while it is open; the entry's
    member once the colleague has answered."""
    if reflection.status == ReflectionStatus.INVITED:
        return member.id == reflection.peer_id
    if reflection.status in (ReflectionStatus.NOTED, ReflectionStatus.REFUSED):
        return member.id == entry.member_id
    return False


def may_see_event_cpd_count(viewer: Member, event: Event) -> bool:
    try:
        check_manage_event_permission(viewer, event)
    except (NotFound, Forbidden):
        return False
    return True


def reminded_members_filter() -> ColumnElement[bool]:
    """Who the year's reminders are for: active registered social workers."""
    return and_(Member.status == MemberStatus.ACTIVE, Member.role.in_(REGISTERED_ROLES))
