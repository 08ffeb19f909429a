"""A member's CPD record in their export: their entries with the colleagues' notes on them,
the notes they wrote on colleagues' entries, dismissed suggestions and the resources they
downloaded. Every CPD table goes with the member's row on erasure (``ON DELETE CASCADE``),
so a note an erased member wrote on a colleague's entry goes too (docs/privacy.md)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cpd.models import CpdDismissal, CpdEntry, CpdReflection, ResourceUse
from app.members.models import Member
from app.privacy.kinds import ExportFile, PersonalData, Row, columns_of
from app.resources.models import Resource


def cpd_rows(db: Session, member_id: str) -> Iterator[Row]:
    entries = select(CpdEntry).where(CpdEntry.member_id == member_id).order_by(CpdEntry.happened_on)
    for entry in db.execute(entries).scalars():
        yield {
            "record": "entry",
            **columns_of(
                entry,
                "id",
                "title",
                "happened_on",
                "kind",
                "hours",
                "learning",
                "impact",
                "status",
                "item_type",
                "item_id",
                "created_at",
                "updated_at",
            ),
        }
    asked = (
        select(CpdReflection, Member.display_name)
        .join(CpdEntry, CpdEntry.id == CpdReflection.entry_id)
        .outerjoin(Member, Member.id == CpdReflection.peer_id)
        .where(CpdEntry.member_id == member_id)
        .order_by(CpdReflection.invited_at)
    )
    for reflection, peer_name in db.execute(asked):
        yield {
            "record": "reflection asked of a colleague",
            "entry_id": reflection.entry_id,
            "colleague": peer_name,
            **columns_of(reflection, "question", "status", "note", "invited_at", "answered_at"),
        }
    given = (
        select(CpdReflection, CpdEntry.title)
        .join(CpdEntry, CpdEntry.id == CpdReflection.entry_id)
        .where(CpdReflection.peer_id == member_id)
        .order_by(CpdReflection.invited_at)
    )
    for reflection, title in db.execute(given):
        yield {
            "record": "reflection you were asked for",
            "entry_title": title,
            **columns_of(reflection, "question", "status", "note", "invited_at", "answered_at"),
        }
    for dismissal in db.execute(
        select(CpdDismissal).where(CpdDismissal.member_id == member_id)
    ).scalars():
        yield {
            "record": "dismissed suggestion",
            **columns_of(dismissal, "item_type", "item_id", "dismissed_at"),
        }
    used = (
        select(ResourceUse, Resource.title)
        .join(Resource, Resource.id == ResourceUse.resource_id)
        .where(ResourceUse.member_id == member_id)
        .order_by(ResourceUse.used_at)
    )
    for use, title in db.execute(used):
        yield {"record": "resource downloaded", "title": title, "used_at": use.used_at}


PERSONAL_DATA = PersonalData(
    domain="cpd",
    files=(
        ExportFile(
            "cpd.json",
            "Your CPD record: entries, colleagues' reflections on them, the reflections you "
            "wrote for colleagues, suggestions you dismissed and the resources you downloaded "
            "(which feed the suggestions).",
            cpd_rows,
        ),
    ),
)
