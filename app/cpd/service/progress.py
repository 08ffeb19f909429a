"""The year at a glance, and the worker's reminders.

The rule (Social Work England): in each registration year, at least two pieces of CPD,
at least one of them discussed with a peer. Here that is two recorded entries dated in
the year, at least one with a colleague's note ("discussed with …"). Drafts do not count.

Reminders go in October and in the last fortnight of November (17 to 30 November, London
days) to registered social workers whose year is not met: once per member and window (the
notification's dedupe key), in the portal, and by e-mail as the member's preference for
"CPD reminders" says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from app.cpd import clock
from app.cpd.models import CpdEntry, CpdReflection, CpdStatus, ReflectionStatus
from app.cpd.service.entries import EntryView
from app.members.models import Member
from app.notifications.kinds import NotificationKind
from app.notifications.models import Notification
from app.notifications.service import notify
from app.policy.cpd import reminded_members_filter

REQUIRED_ENTRIES = 2
REQUIRED_WITH_PEER = 1
REMINDER_SUBJECT = "cpd_year"


@dataclass(frozen=True)
class YearProgress:
    year: clock.RegistrationYear
    recorded: int
    with_peer: int
    drafts: int

    @property
    def met(self) -> bool:
        return self.recorded >= REQUIRED_ENTRIES and self.with_peer >= REQUIRED_WITH_PEER

    @property
    def entries_to_go(self) -> int:
        return max(0, REQUIRED_ENTRIES - self.recorded)

    @property
    def peer_to_go(self) -> int:
        return max(0, REQUIRED_WITH_PEER - self.with_peer)


def progress_of(year: clock.RegistrationYear, views: list[EntryView]) -> YearProgress:
    recorded = [v for v in views if v.entry.status == CpdStatus.RECORDED]
    return YearProgress(
        year=year,
        recorded=len(recorded),
        with_peer=sum(1 for v in recorded if v.with_peer),
        drafts=len(views) - len(recorded),
    )


def reminder_window(day: date) -> str | None:
    """ "october", "november" (its last fortnight) or None."""
    if day.month == 10:
        return "october"
    if day.month == 11 and day.day >= 17:
        return "november"
    return None


def _members_not_met(year: clock.RegistrationYear) -> ColumnElement[bool]:
    in_year = and_(
        CpdEntry.status == CpdStatus.RECORDED,
        CpdEntry.happened_on >= year.starts_on,
        CpdEntry.happened_on <= year.ends_on,
    )
    enough = (
        select(CpdEntry.member_id)
        .where(in_year)
        .group_by(CpdEntry.member_id)
        .having(func.count() >= REQUIRED_ENTRIES)
    )
    with_peer = (
        select(CpdEntry.member_id)
        .join(CpdReflection, CpdReflection.entry_id == CpdEntry.id)
        .where(in_year, CpdReflection.status == ReflectionStatus.NOTED)
    )
    return and_(
        reminded_members_filter(),
        ~and_(Member.id.in_(enough), Member.id.in_(with_peer)),
    )


def send_due_reminders(db: Session) -> int:
    """The worker's job: remind, once per window, everyone whose year is not met. Three
    statements to find them (set-based), then one notification each."""
    today = clock.london_today()
    window = reminder_window(today)
    if window is None:
        return 0
    year = clock.registration_year_of(today)
    dedupe_key = f"cpd-reminder:{year.starts_on.year}:{window}"
    already = select(Notification.member_id).where(Notification.dedupe_key == dedupe_key)
    due = list(
        db.execute(
            select(Member.id).where(
                _members_not_met(year),
                Member.id.not_in(already),
            )
        ).scalars()
    )
    for member_id in due:
        notify(
            db,
            member_id=member_id,
            kind=NotificationKind.CPD_REMINDER,
            subject_type=REMINDER_SUBJECT,
            subject_id=str(year.starts_on.year),
            detail={"window": window},
            dedupe_key=dedupe_key,
        )
    return len(due)
