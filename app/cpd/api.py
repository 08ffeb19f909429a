"""CPD as JSON: the member's own entries and the year's progress. Nobody else's entries
exist on this API; an entry of another member answers 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.cpd import clock, service
from app.cpd.schemas import CpdEntryData, CpdEntryOut, ProgressOut, ReflectionOut
from app.web.deps import CurrentMember, DbSession

router = APIRouter(prefix="/api/v1/cpd", tags=["cpd"])
Year = Annotated[int | None, Query(ge=2000, le=2100, description="The year starting 1 December")]


def entry_out(view: service.EntryView) -> CpdEntryOut:
    entry = view.entry
    return CpdEntryOut(
        id=entry.id,
        title=entry.title,
        happened_on=entry.happened_on,
        kind=entry.kind,
        hours=entry.hours,
        learning=entry.learning,
        impact=entry.impact,
        status=entry.status,
        registration_year=clock.registration_year_of(entry.happened_on).label,
        item_type=entry.item_type,
        item_id=entry.item_id,
        reflections=[
            ReflectionOut(
                id=r.id,
                colleague=r.peer.display_name,
                status=r.status,
                question=r.question,
                note=r.note,
                invited_at=r.invited_at,
                answered_at=r.answered_at,
            )
            for r in entry.reflections
        ],
    )


def _year(year: int | None) -> clock.RegistrationYear:
    return clock.registration_year_starting(year) if year else clock.current_registration_year()


@router.get("/entries", response_model=list[CpdEntryOut], summary="Your entries in a year")
def list_entries(db: DbSession, member: CurrentMember, year: Year = None) -> list[CpdEntryOut]:
    return [entry_out(v) for v in service.entries_of_year(db, member=member, year=_year(year))]


@router.post("/entries", response_model=CpdEntryOut, status_code=201, summary="Add an entry")
def create_entry(db: DbSession, member: CurrentMember, body: CpdEntryData) -> CpdEntryOut:
    entry = service.create_entry(db, actor=member, data=body)
    return entry_out(service.view_of(service.load_own_entry(db, member=member, entry_id=entry.id)))


@router.get("/entries/{entry_id}", response_model=CpdEntryOut, summary="One of your entries")
def read_entry(db: DbSession, member: CurrentMember, entry_id: str) -> CpdEntryOut:
    return entry_out(service.view_of(service.load_own_entry(db, member=member, entry_id=entry_id)))


@router.put("/entries/{entry_id}", response_model=CpdEntryOut, summary="Change an entry")
def update_entry(
    db: DbSession, member: CurrentMember, entry_id: str, body: CpdEntryData
) -> CpdEntryOut:
    service.update_entry(db, actor=member, entry_id=entry_id, data=body)
    return read_entry(db, member, entry_id)


@router.delete("/entries/{entry_id}", status_code=204, summary="Delete an entry")
def delete_entry(db: DbSession, member: CurrentMember, entry_id: str) -> Response:
    service.delete_entry(db, actor=member, entry_id=entry_id)
    return Response(status_code=204)


@router.get("/progress", response_model=ProgressOut, summary="The year against the rule")
def progress(db: DbSession, member: CurrentMember, year: Year = None) -> ProgressOut:
    shown = _year(year)
    found = service.progress_of(shown, service.entries_of_year(db, member=member, year=shown))
    return ProgressOut(
        registration_year=shown.label,
        starts_on=shown.starts_on,
        ends_on=shown.ends_on,
        recorded=found.recorded,
        with_peer=found.with_peer,
        met=found.met,
    )
