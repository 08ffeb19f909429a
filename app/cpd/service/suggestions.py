""" "Add this to your CPD record?": suggestions computed on read from what the portal
already knows, never stored and never added silently.

- an event whose organiser recorded the member as attended (booking.attended);
- a resource the member downloaded a file of (cpd_resource_use, written after the
  download is answered: the one insert CPD adds to a hot path);
- a discussion thread the member wrote in (their posts).

Only what happened in the current registration year, still visible to the member, not
dismissed and not already linked from one of their entries. Three queries for the CPD
page, one for an item's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from app.cpd import clock
from app.cpd.models import CpdDismissal, CpdEntry, CpdKind, LinkedItem, ResourceUse
from app.db import LONDON, new_id, transaction
from app.discussions.models import Post, Thread
from app.errors import NotFound
from app.events.models import Booking, BookingStatus, Event
from app.members.models import Member
from app.policy.discussions import listed_threads_filter
from app.policy.events import listed_events_filter
from app.policy.resources import listed_resources_filter
from app.resources.models import Resource

KIND_OF_ITEM = {
    LinkedItem.EVENT: CpdKind.EVENT,
    LinkedItem.RESOURCE: CpdKind.READING,
    LinkedItem.THREAD: CpdKind.DISCUSSION,
}
VERB_OF_ITEM = {
    LinkedItem.EVENT: "You attended",
    LinkedItem.RESOURCE: "You downloaded",
    LinkedItem.THREAD: "You took part in",
}


@dataclass(frozen=True)
class Suggestion:
    item_type: LinkedItem
    item_id: str
    title: str
    happened_at: datetime
    hours: float | None = None

    @property
    def happened_on(self) -> date:
        return self.happened_at.astimezone(LONDON).date()

    @property
    def key(self) -> str:
        return f"{self.item_type.value}:{self.item_id}"

    @property
    def url(self) -> str:
        return {
            LinkedItem.EVENT: f"/events/{self.item_id}",
            LinkedItem.RESOURCE: f"/resources/{self.item_id}",
            LinkedItem.THREAD: f"/discussions/t/{self.item_id}",
        }[self.item_type]

    @property
    def verb(self) -> str:
        return VERB_OF_ITEM[self.item_type]

    @property
    def kind(self) -> CpdKind:
        return KIND_OF_ITEM[self.item_type]

    @property
    def entry_title(self) -> str:
        return self.title[:200]


def _not_taken(
    member: Member, item_type: LinkedItem, item_id_column: Any
) -> list[ColumnElement[bool]]:
    """Neither dismissed nor already linked from one of the member's entries."""
    return [
        ~exists().where(
            CpdDismissal.member_id == member.id,
            CpdDismissal.item_type == item_type,
            CpdDismissal.item_id == item_id_column,
        ),
        ~exists().where(
            CpdEntry.member_id == member.id,
            CpdEntry.item_type == item_type,
            CpdEntry.item_id == item_id_column,
        ),
    ]


def _attended(
    member: Member, start: datetime, end: datetime, item_id: str | None
) -> Select[str, str, datetime, float | None]:
    query = (
        select(Event.id, Event.title, Event.starts_at, Event.cpd_hours)
        .join(Booking, Booking.event_id == Event.id)
        .where(
            Booking.member_id == member.id,
            Booking.status == BookingStatus.BOOKED,
            Booking.attended.is_(True),
            Event.starts_at >= start,
            Event.starts_at < end,
            listed_events_filter(member),
            *_not_taken(member, LinkedItem.EVENT, Event.id),
        )
    )
    return query.where(Event.id == item_id) if item_id else query


def _downloaded(
    member: Member, start: datetime, end: datetime, item_id: str | None
) -> Select[str, str, datetime]:
    query = (
        select(Resource.id, Resource.title, ResourceUse.used_at)
        .join(ResourceUse, ResourceUse.resource_id == Resource.id)
        .where(
            ResourceUse.member_id == member.id,
            ResourceUse.used_at >= start,
            ResourceUse.used_at < end,
            Resource.deleted_at.is_(None),
            listed_resources_filter(member),
            *_not_taken(member, LinkedItem.RESOURCE, Resource.id),
        )
    )
    return query.where(Resource.id == item_id) if item_id else query


def _took_part(
    member: Member, start: datetime, end: datetime, item_id: str | None
) -> Select[str, str, datetime]:
    last_post = func.max(Post.created_at)
    query = (
        select(Thread.id, Thread.title, last_post)
        .join(Post, Post.thread_id == Thread.id)
        .where(
            Post.author_id == member.id,
            Post.deleted_at.is_(None),
            Post.created_at >= start,
            Post.created_at < end,
            listed_threads_filter(member, Thread),
            *_not_taken(member, LinkedItem.THREAD, Thread.id),
        )
        .group_by(Thread.id, Thread.title)
    )
    return query.where(Thread.id == item_id) if item_id else query


def _gather(db: Session, member: Member, item: tuple[LinkedItem, str] | None) -> list[Suggestion]:
    start, end = clock.year_bounds_utc(clock.current_registration_year())
    found: list[Suggestion] = []
    wanted = {item[0]} if item else set(LinkedItem)
    item_id = item[1] if item else None
    if LinkedItem.EVENT in wanted:
        for event_id, title, starts_at, hours in db.execute(_attended(member, start, end, item_id)):
            found.append(Suggestion(LinkedItem.EVENT, event_id, title, starts_at, hours))
    if LinkedItem.RESOURCE in wanted:
        for resource_id, title, used_at in db.execute(_downloaded(member, start, end, item_id)):
            found.append(Suggestion(LinkedItem.RESOURCE, resource_id, title, used_at))
    if LinkedItem.THREAD in wanted:
        for thread_id, title, posted_at in db.execute(_took_part(member, start, end, item_id)):
            found.append(Suggestion(LinkedItem.THREAD, thread_id, title, posted_at))
    return sorted(found, key=lambda s: (s.happened_at, s.key), reverse=True)


def suggestions_for(db: Session, *, member: Member, limit: int = 20) -> list[Suggestion]:
    """The CPD page's list, most recent first."""
    return _gather(db, member, None)[:limit]


def suggestion_for_item(
    db: Session, *, member: Member, item_type: LinkedItem, item_id: str
) -> Suggestion | None:
    """The offer on an item's own page (and what "Add" pre-fills the form with)."""
    found = _gather(db, member, (item_type, item_id))
    return found[0] if found else None


def parse_item(value: str | None) -> tuple[LinkedItem, str] | None:
    """ "event:<id>" and the like, as the "Add" links carry them; anything else is None."""
    if not value or ":" not in value:
        return None
    kind, _, item_id = value.partition(":")
    if kind not in set(LinkedItem) or not item_id or len(item_id) > 36:
        return None
    return LinkedItem(kind), item_id


def dismiss(db: Session, *, member: Member, item_type: LinkedItem, item_id: str) -> None:
    """Never offer it again; dismissing twice (or at once from two tabs) is one row."""
    if suggestion_for_item(db, member=member, item_type=item_type, item_id=item_id) is None:
        raise NotFound("There is no such suggestion.")
    insert = postgresql_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.execute(
        insert(CpdDismissal)
        .values(
            id=new_id(),
            member_id=member.id,
            item_type=item_type.value,
            item_id=item_id,
            dismissed_at=clock.now(),
        )
        .on_conflict_do_nothing(index_elements=["member_id", "item_type", "item_id"])
    )


def record_resource_use(
    factory: sessionmaker[Session], *, resource_id: str, member_id: str
) -> None:
    """After a download is answered, in its own transaction: one upsert, so the download's
    own request writes nothing more than it did before CPD."""
    with transaction(factory) as db:
        insert = postgresql_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement = insert(ResourceUse).values(
            id=new_id(), member_id=member_id, resource_id=resource_id, used_at=clock.now()
        )
        db.execute(
            statement.on_conflict_do_update(
                index_elements=["member_id", "resource_id"],
                set_={"used_at": statement.excluded.used_at},
            )
        )
