"""Writing, changing and reading a member's own CPD entries.

The guard checks an entry's text as it checks a post. A member who saves anyway gives a
reason, which the audit log keeps with the kinds of passage found; nothing goes to the
moderation queue, because nobody but the member may read a CPD entry (app/policy/cpd.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.audit import service as audit
from app.cpd import clock
from app.cpd.models import CpdEntry, CpdReflection, CpdStatus, ReflectionStatus
from app.cpd.schemas import CpdEntryData
from app.cpd.service.suggestions import suggestion_for_item
from app.errors import InvalidInput
from app.guard.service import Override, check_before_saving
from app.members.models import Member
from app.policy.cpd import check_own_entry_permission, own_entries_filter

GUARDED_FIELDS = {"title": "title", "learning": "learning", "impact": "impact"}
ENTRY_LABEL = "a CPD entry"
"""How the audit log names an entry: its title is the member's alone."""


def record_guard_override(db: Session, *, actor: Member, override: Override | None) -> None:
    if override is None:
        return
    audit.record(
        db,
        actor=actor,
        action="guard_overridden",
        subject=None,
        subject_label=ENTRY_LABEL,
        reason=f"Saved a private CPD record anyway after the anonymisation guard found "
        f"passages: {override.reason.label}.",
        after={"kinds": ", ".join(sorted({f.kind for f in override.findings}))},
    )


def _check(data: CpdEntryData) -> Override | None:
    if data.record:
        missing = {
            name: message
            for name, message in (
                ("learning", "Say what you learned, to record the entry."),
                ("impact", "Say how it changes your practice, to record the entry."),
            )
            if not getattr(data, name)
        }
        if missing:
            raise InvalidInput(missing)
    if data.happened_on > clock.london_today():
        raise InvalidInput({"happened_on": "The date cannot be in the future."})
    if (data.item_type is None) != (data.item_id is None):
        raise InvalidInput({"form": "A linked portal item needs both its type and its id."})
    return check_before_saving(
        {"title": data.title, "learning": data.learning, "impact": data.impact},
        post_anyway=data.post_anyway,
        reason=data.guard_reason,
    )


def _apply(entry: CpdEntry, data: CpdEntryData) -> None:
    entry.title, entry.happened_on, entry.kind = data.title, data.happened_on, data.kind
    entry.hours, entry.learning, entry.impact = data.hours, data.learning, data.impact
    entry.status = CpdStatus.RECORDED if data.record else CpdStatus.DRAFT
    entry.updated_at = clock.now()


def _check_link(db: Session, actor: Member, data: CpdEntryData) -> None:
    """An entry links only what the portal would suggest to this member now (an event
    they attended, a resource they downloaded, a thread they wrote in, this year, not
    linked already), so an organiser's count is of real attendees."""
    if data.item_type is None or data.item_id is None:
        return
    found = suggestion_for_item(db, member=actor, item_type=data.item_type, item_id=data.item_id)
    if found is None:
        raise InvalidInput(
            {"form": "That portal item cannot be linked: it is not one of your suggestions."}
        )


def create_entry(db: Session, *, actor: Member, data: CpdEntryData) -> CpdEntry:
    override = _check(data)
    _check_link(db, actor, data)
    entry = CpdEntry(
        member_id=actor.id,
        item_type=data.item_type,
        item_id=data.item_id,
        created_at=clock.now(),
    )
    _apply(entry, data)
    db.add(entry)
    db.flush()
    record_guard_override(db, actor=actor, override=override)
    return entry


def load_own_entry(db: Session, *, member: Member, entry_id: str) -> CpdEntry:
    entry = db.execute(
        select(CpdEntry)
        .where(CpdEntry.id == entry_id)
        .options(selectinload(CpdEntry.reflections).selectinload(CpdReflection.peer))
    ).scalar_one_or_none()
    return check_own_entry_permission(member, entry)


def update_entry(db: Session, *, actor: Member, entry_id: str, data: CpdEntryData) -> CpdEntry:
    """The linked portal item stays as it was: it records where the entry came from."""
    entry = load_own_entry(db, member=actor, entry_id=entry_id)
    override = _check(data.model_copy(update={"item_type": None, "item_id": None}))
    _apply(entry, data)
    db.flush()
    record_guard_override(db, actor=actor, override=override)
    return entry


def delete_entry(db: Session, *, actor: Member, entry_id: str) -> None:
    entry = load_own_entry(db, member=actor, entry_id=entry_id)
    db.delete(entry)
    db.flush()


@dataclass(frozen=True)
class EntryView:
    entry: CpdEntry
    discussed: list[CpdReflection]
    """The colleagues who added a note, oldest first: "discussed with … on …"."""
    pending: list[CpdReflection]

    @property
    def with_peer(self) -> bool:
        return bool(self.discussed)


def view_of(entry: CpdEntry) -> EntryView:
    return EntryView(
        entry=entry,
        discussed=[r for r in entry.reflections if r.status == ReflectionStatus.NOTED],
        pending=[r for r in entry.reflections if r.status == ReflectionStatus.INVITED],
    )


def entries_of_year(
    db: Session, *, member: Member, year: clock.RegistrationYear
) -> list[EntryView]:
    """The year's entries in date order (then the order they were written): three queries
    (entries, their reflections, the colleagues), whatever the number."""
    rows = db.execute(
        select(CpdEntry)
        .where(
            own_entries_filter(member),
            CpdEntry.happened_on >= year.starts_on,
            CpdEntry.happened_on <= year.ends_on,
        )
        .options(selectinload(CpdEntry.reflections).selectinload(CpdReflection.peer))
        .order_by(CpdEntry.happened_on, CpdEntry.created_at, CpdEntry.id)
    ).scalars()
    return [view_of(entry) for entry in rows]
