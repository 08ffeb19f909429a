"""The groups a member belongs to, their role in each, and their requests and invitations.
All of it goes with the member's row."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.groups.models import Group, GroupMembership, JoinRequest
from app.privacy.kinds import ExportFile, PersonalData, Row


def membership_rows(db: Session, member_id: str) -> Iterator[Row]:
    query = (
        select(GroupMembership, Group.name)
        .join(Group, Group.id == GroupMembership.group_id)
        .where(GroupMembership.member_id == member_id)
        .order_by(Group.name)
    )
    for membership, name in db.execute(query):
        yield {"group": name, "role": membership.role, "joined_at": membership.joined_at}
    requests = (
        select(JoinRequest, Group.name)
        .join(Group, Group.id == JoinRequest.group_id)
        .where(JoinRequest.member_id == member_id)
        .order_by(JoinRequest.created_at)
    )
    for request, name in db.execute(requests):
        yield {
            "group": name,
            "request": "invitation" if request.is_invitation else "request to join",
            "message": request.message,
            "status": request.status,
            "created_at": request.created_at,
            "decided_at": request.decided_at,
        }


PERSONAL_DATA = PersonalData(
    domain="groups",
    files=(
        ExportFile(
            "groups.json",
            "The groups you belong to and your role in each, and your requests to join and "
            "invitations.",
            membership_rows,
        ),
    ),
)
