"""What a confirmation page names before a resource is deleted (app/web/confirmation.py):
the same checks as the deletion itself, so the question is asked only of someone who may
do it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.errors import InvalidAction
from app.members.models import Member
from app.policy import check_change_resource_permission
from app.resources.models import Resource, ResourceStatus
from app.resources.service._common import _load


def resource_to_delete(db: Session, *, actor: Member, resource_id: str) -> Resource:
    resource = _load(db, resource_id)
    check_change_resource_permission(actor, resource)
    if resource.status == ResourceStatus.DELETED:
        raise InvalidAction("This resource is already deleted.")
    return resource
