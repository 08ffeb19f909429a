"""Erasing a member: every domain forgets them (app/privacy/registry.py), then their row
goes, and with it whatever is tied to it by a cascading foreign key (sessions, identities,
tokens, follows, memberships, bookings ...). Their posts stay, authored by nobody, which
every page shows as "A former member", unless the admin removes their content too.

The erasure and its audit entry are named by a random pseudonym, kept in no place that
links it to the person: the audit log can say "former-member-3f9a2c1b was erased by ..."
and keep the entries about them under that name, and nobody can turn it back into them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.errors import NotFound
from app.members.models import Member, MemberIdentity
from app.outbox.sync import enqueue_sync
from app.policy.privacy import check_erase_member_permission
from app.privacy.kinds import ErasureContext
from app.privacy.models import DataExport, Erasure, ResourceFate
from app.privacy.registry import PERSONAL_DATA

IDENTIFYING_CLAIMS = ("name", "email", "preferred_username", "upn", "unique_name")
MIN_IDENTIFYING_LENGTH = 3


@dataclass(frozen=True)
class ErasureChoices:
    remove_content: bool = False
    resources: ResourceFate = ResourceFate.ORGANISATION
    reason: str | None = None
    on_request: bool = True


def new_pseudonym() -> str:
    return f"former-member-{secrets.token_hex(4)}"


def identifying_values(db: Session, member: Member) -> tuple[str, ...]:
    """What names the member in text: their name, e-mail addresses and sign-in subjects
    (as stored, and as their identity providers sent them)."""
    values = {member.display_name, member.email or ""}
    for identity in db.execute(
        select(MemberIdentity).where(MemberIdentity.member_id == member.id)
    ).scalars():
        values.add(identity.subject)
        claims = identity.claims or {}
        values.update(str(claims[key]) for key in IDENTIFYING_CLAIMS if claims.get(key))
    usable = {value.strip() for value in values if len(value.strip()) >= MIN_IDENTIFYING_LENGTH}
    return tuple(sorted(usable, key=len, reverse=True))


def _without_names(text: str | None, context: ErasureContext) -> str | None:
    if text is None:
        return None
    for value in context.identifying:
        text = text.replace(value, context.pseudonym)
    return text


def erase_member(
    db: Session,
    *,
    actor: Member,
    member_id: str,
    choices: ErasureChoices,
    reminder_hours: int,
    exports_dir: Path,
) -> Erasure:
    subject = db.get(Member, member_id)
    if subject is None:
        raise NotFound("There is no such member.")
    check_erase_member_permission(db, actor, subject)
    context = ErasureContext(
        member_id=subject.id,
        organisation_id=subject.organisation_id,
        pseudonym=new_pseudonym(),
        remove_content=choices.remove_content,
        hide_resources=choices.resources == ResourceFate.HIDE,
        actor_id=actor.id,
        reminder_hours=reminder_hours,
        identifying=identifying_values(db, subject),
    )
    for part in PERSONAL_DATA:
        if part.erase is not None:
            part.erase(db, context)
    for export_id in db.execute(
        select(DataExport.id).where(DataExport.member_id == subject.id)
    ).scalars():
        (exports_dir / f"{export_id}.zip").unlink(missing_ok=True)
    erasure = Erasure(
        pseudonym=context.pseudonym,
        erased_by_id=actor.id,
        on_request=choices.on_request,
        removed_content=choices.remove_content,
        resources=choices.resources,
    )
    db.add(erasure)
    audit.record(
        db,
        actor=actor,
        action="member.erased",
        subject=None,
        subject_label=context.pseudonym,
        reason=_without_names(choices.reason, context),
        after={
            "on_request": choices.on_request,
            "removed_content": choices.remove_content,
            "resources": choices.resources.value,
        },
    )
    enqueue_sync(db, kind="member", id=subject.id)
    db.expunge(subject)
    db.execute(delete(Member).where(Member.id == member_id))
    db.flush()
    return erasure
