"""Peer reflection: a member asks a colleague to reflect with them on one entry; the
colleague sees the entry's title and the question, then adds a note or refuses; the
member may withdraw the invitation while it is open.

Telling the other side is an announcement (one outbox row); the worker records the
notification and any e-mail. Question and note are checked by the guard like a post, as
each is read by someone other than its writer; an override is audited without the text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.cpd import clock
from app.cpd.models import CpdEntry, CpdReflection, ReflectionStatus
from app.cpd.schemas import InvitationData, NoteData
from app.cpd.service.entries import load_own_entry, record_guard_override
from app.errors import Forbidden, InvalidAction, InvalidInput
from app.guard.service import check_before_saving
from app.members.models import Member
from app.notifications import audiences
from app.notifications.kinds import NotificationKind
from app.notifications.service import announce
from app.policy.cpd import (
    check_answer_reflection_permission,
    check_invite_peer_permission,
    check_withdraw_reflection_permission,
    open_invitations_filter,
)

SUBJECT_TYPE = "cpd_reflection"


def _find_colleague(db: Session, colleague: str) -> Member | None:
    wanted = colleague.strip().removeprefix("@").lower()
    column = Member.email if "@" in wanted else Member.handle
    return db.execute(select(Member).where(func.lower(column) == wanted).limit(1)).scalar()


def invite_peer(
    db: Session, *, actor: Member, entry_id: str, data: InvitationData
) -> CpdReflection:
    entry = load_own_entry(db, member=actor, entry_id=entry_id)
    try:
        peer = check_invite_peer_permission(actor, entry, _find_colleague(db, data.colleague))
    except Forbidden as refusal:
        raise InvalidInput({"colleague": str(refusal)}) from refusal
    if any(
        r.peer_id == peer.id and r.status == ReflectionStatus.INVITED for r in entry.reflections
    ):
        raise InvalidInput({"colleague": f"{peer.display_name} is already invited."})
    override = check_before_saving(
        {"question": data.question}, post_anyway=data.post_anyway, reason=data.guard_reason
    )
    reflection = CpdReflection(
        entry_id=entry.id, peer_id=peer.id, question=data.question, invited_at=clock.now()
    )
    db.add(reflection)
    db.flush()
    record_guard_override(db, actor=actor, override=override)
    announce(
        db,
        parts=[(NotificationKind.CPD_REFLECTION_REQUEST, audiences.members(peer.id))],
        subject_type=SUBJECT_TYPE,
        subject_id=reflection.id,
        actor_id=actor.id,
    )
    return reflection


def withdraw_invitation(db: Session, *, actor: Member, entry_id: str, reflection_id: str) -> None:
    entry = load_own_entry(db, member=actor, entry_id=entry_id)
    reflection = check_withdraw_reflection_permission(
        actor, entry, next((r for r in entry.reflections if r.id == reflection_id), None)
    )
    if reflection.status != ReflectionStatus.INVITED:
        raise InvalidAction("Only an open invitation can be withdrawn.")
    reflection.status = ReflectionStatus.WITHDRAWN
    reflection.answered_at = clock.now()
    db.flush()


@dataclass(frozen=True)
class Invitation:
    """What the colleague sees: the entry's title and the question, nothing more."""

    id: str
    entry_title: str
    question: str
    asked_by: str
    invited_at: datetime


def _load_invitation(db: Session, reflection_id: str) -> CpdReflection | None:
    return db.execute(
        select(CpdReflection)
        .where(CpdReflection.id == reflection_id)
        .options(selectinload(CpdReflection.entry))
    ).scalar_one_or_none()


def _as_invitation(db: Session, reflection: CpdReflection) -> Invitation:
    asked_by = db.get(Member, reflection.entry.member_id)
    return Invitation(
        id=reflection.id,
        entry_title=reflection.entry.title,
        question=reflection.question,
        asked_by=asked_by.display_name if asked_by else "A former member",
        invited_at=reflection.invited_at,
    )


def get_invitation(db: Session, *, viewer: Member, reflection_id: str) -> Invitation:
    reflection = check_answer_reflection_permission(viewer, _load_invitation(db, reflection_id))
    return _as_invitation(db, reflection)


def open_invitations(db: Session, *, viewer: Member) -> list[Invitation]:
    """Invitations waiting for this colleague: two queries, whatever the number."""
    rows = db.execute(
        select(CpdReflection, CpdEntry.title, Member.display_name)
        .join(CpdEntry, CpdEntry.id == CpdReflection.entry_id)
        .join(Member, Member.id == CpdEntry.member_id)
        .where(open_invitations_filter(viewer))
        .order_by(CpdReflection.invited_at.desc(), CpdReflection.id)
    ).all()
    return [
        Invitation(r.id, title, r.question, asked_by, r.invited_at) for r, title, asked_by in rows
    ]


def _answer(db: Session, reflection: CpdReflection, actor: Member) -> None:
    reflection.answered_at = clock.now()
    db.flush()
    announce(
        db,
        parts=[
            (
                NotificationKind.CPD_REFLECTION_ANSWER,
                audiences.members(reflection.entry.member_id),
            )
        ],
        subject_type=SUBJECT_TYPE,
        subject_id=reflection.id,
        actor_id=actor.id,
    )


def add_note(db: Session, *, actor: Member, reflection_id: str, data: NoteData) -> None:
    reflection = check_answer_reflection_permission(actor, _load_invitation(db, reflection_id))
    override = check_before_saving(
        {"note": data.note}, post_anyway=data.post_anyway, reason=data.guard_reason
    )
    reflection.note = data.note
    reflection.status = ReflectionStatus.NOTED
    _answer(db, reflection, actor)
    record_guard_override(db, actor=actor, override=override)


def refuse(db: Session, *, actor: Member, reflection_id: str) -> None:
    reflection = check_answer_reflection_permission(actor, _load_invitation(db, reflection_id))
    reflection.status = ReflectionStatus.REFUSED
    _answer(db, reflection, actor)
