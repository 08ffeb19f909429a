"""The anonymisation guard's part of the moderation queue: items members saved anyway after
the guard found passages (confirm them, or record that the passages were edited out), and
uploaded files the guard holds (clear them). Moderators and admins see everything; a group
moderator sees what was posted anyway in their groups and may confirm it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.db import utcnow
from app.errors import InvalidAction, NotFound
from app.guard.models import GuardOverride, OverrideStatus
from app.members.models import Member
from app.moderation.service._common import NOTE_MAX_LENGTH
from app.policy import (
    check_review_guard_override_permission,
    check_use_moderation_queue_permission,
    moderated_group_ids,
    visible_reports_filter,
)
from app.policy.moderation import may_act_on_reports
from app.resources import service as resources
from app.resources.models import Resource, ResourceStatus


@dataclass(frozen=True)
class GuardQueue:
    overrides: list[GuardOverride]
    held: list[Resource]
    may_clear_held: bool


QUEUE_LIMIT = 200


def guard_queue(db: Session, *, actor: Member) -> GuardQueue:
    groups = moderated_group_ids(db, actor)
    check_use_moderation_queue_permission(actor, groups)
    overrides = list(
        db.execute(
            select(GuardOverride)
            .where(
                visible_reports_filter(actor, GuardOverride),
                GuardOverride.status == OverrideStatus.OPEN,
            )
            .order_by(GuardOverride.created_at, GuardOverride.id)
            .limit(QUEUE_LIMIT)
        ).scalars()
    )
    may_clear = may_act_on_reports(actor)
    held = (
        list(
            db.execute(
                select(Resource)
                .where(Resource.guard_held.is_(True), Resource.status == ResourceStatus.HIDDEN)
                .order_by(Resource.updated_at, Resource.id)
                .limit(QUEUE_LIMIT)
            ).scalars()
        )
        if may_clear
        else []
    )
    return GuardQueue(overrides, held, may_clear)


def _open_override(db: Session, actor: Member, override_id: str) -> GuardOverride:
    override = db.get(GuardOverride, override_id)
    if override is None:
        raise NotFound("There is no such item.")
    check_review_guard_override_permission(actor, override, moderated_group_ids(db, actor))
    if override.status != OverrideStatus.OPEN:
        raise InvalidAction("This item has already been reviewed.")
    return override


def review_override(
    db: Session, *, actor: Member, override_id: str, outcome: str, note: str | None = None
) -> GuardOverride:
    """``confirmed``: the passages identify nobody, the item stays as it is.
    ``edited_out``: a moderator changed the item (through its own edit page) to remove
    them."""
    override = _open_override(db, actor, override_id)
    try:
        status = OverrideStatus(outcome)
    except ValueError:
        raise InvalidAction("Choose confirm or edited out.") from None
    if status == OverrideStatus.OPEN:
        raise InvalidAction("Choose confirm or edited out.")
    override.status = status
    override.handled_by_id = actor.id
    override.handled_at = utcnow()
    override.handled_note = (note or "").strip()[:NOTE_MAX_LENGTH] or None
    db.flush()
    audit.record(
        db,
        actor=actor,
        action=f"guard_override_{status.value}",
        subject=None,
        subject_label=override.subject_label,
        reason=override.handled_note,
        after={"kinds": ", ".join(sorted({item["kind"] for item in override.findings}))},
    )
    return override


def clear_held_resource(
    db: Session, *, actor: Member, resource_id: str, reason: str | None = None
) -> Resource:
    """A moderator checked a file the guard held and found nothing identifying: publish it."""
    resource = db.get(Resource, resource_id)
    if resource is None or not resource.guard_held:
        raise NotFound("There is no such held resource.")
    cleaned = (reason or "").strip()[:NOTE_MAX_LENGTH] or "Cleared after the guard held it."
    return resources.unhide_resource(db, actor=actor, resource_id=resource_id, reason=cleaned)
