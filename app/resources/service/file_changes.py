"""Renaming a resource's file and removing it. Neither loses anything: each version keeps
the name it was uploaded under, and a removed file stays, with every version, under
"Removed files" on the resource's page."""

from __future__ import annotations

from pathlib import PurePath

from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import InvalidAction, InvalidInput, NotFound
from app.members.models import Member
from app.outbox.sync import enqueue_sync
from app.policy import check_change_resource_permission
from app.resources.filetypes import RejectedFile, safe_filename
from app.resources.models import Resource, ResourceFile
from app.resources.service._common import _load

MAX_NAME_LENGTH = 200


def _current_file(resource: Resource, file_id: str) -> ResourceFile:
    resource_file = next((f for f in resource.files if f.id == file_id), None)
    if resource_file is None:
        raise NotFound("This resource has no such file.")
    return resource_file


def file_name_problem(name: str) -> str | None:
    if not name.strip():
        return "Enter the new name of the file"
    if len(name.strip()) > MAX_NAME_LENGTH:
        return f"The name must be {MAX_NAME_LENGTH} characters or fewer"
    return None


def rename_file(
    db: Session, *, actor: Member, resource_id: str, file_id: str, name: str
) -> ResourceFile:
    """A new name for the file; its extension stays the one its content was checked as, so
    a rename cannot make a PDF look like something else."""
    resource = _load(db, resource_id)
    check_change_resource_permission(actor, resource)
    resource_file = _current_file(resource, file_id)
    problem = file_name_problem(name)
    if problem:
        raise InvalidInput({"name": problem})
    extension = PurePath(resource_file.name).suffix or "." + resource_file.current.file_type
    try:
        cleaned = safe_filename(name)
    except RejectedFile:
        raise InvalidInput({"name": "Enter a name with letters or numbers in it"}) from None
    if cleaned.lower().endswith(extension.lower()):
        cleaned = cleaned[: -len(extension)]
    resource_file.name = (cleaned[: MAX_NAME_LENGTH - len(extension)] or "file") + extension
    resource.updated_at = utcnow()
    db.flush()
    enqueue_sync(db, kind="resource", id=resource.id)
    return resource_file


def remove_file(db: Session, *, actor: Member, resource_id: str, file_id: str) -> ResourceFile:
    """Take a file off the resource; it and its versions stay as history. The last file of
    a resource without a web address stays: the resource would offer nothing."""
    resource = _load(db, resource_id)
    check_change_resource_permission(actor, resource)
    resource_file = _current_file(resource, file_id)
    if len(resource.files) == 1 and not resource.external_url:
        raise InvalidAction(
            f"{resource_file.name} is this resource's only file: upload a new version of it "
            "instead, or add a web address to the resource first."
        )
    resource_file.removed_at = utcnow()
    resource_file.removed_by_id = actor.id
    resource.updated_at = utcnow()
    db.flush()
    enqueue_sync(db, kind="resource", id=resource.id)
    return resource_file
