"""What organisers see of CPD: how many of an event's attendees recorded it, never who
or what they wrote."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.cpd.models import CpdEntry, CpdStatus, LinkedItem
from app.events.models import Event
from app.members.models import Member
from app.policy.cpd import may_see_event_cpd_count


def event_cpd_count(db: Session, *, viewer: Member, event: Event) -> int | None:
    """Members who recorded the event in their CPD (drafts not counted); None for a
    viewer who does not manage the event."""
    if not may_see_event_cpd_count(viewer, event):
        return None
    return db.execute(
        select(func.count(func.distinct(CpdEntry.member_id))).where(
            CpdEntry.item_type == LinkedItem.EVENT,
            CpdEntry.item_id == event.id,
            CpdEntry.status == CpdStatus.RECORDED,
        )
    ).scalar_one()
