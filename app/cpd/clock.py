"""The one clock the CPD domain reads, and the registration year.

Social Work England's registration year runs from 1 December to 30 November. A day
belongs to the year that began on the last 1 December on or before it, counted in
Europe/London: the year turns at London midnight, whatever the UTC offset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app.db import LONDON, utcnow


def now() -> datetime:
    return utcnow()


def london_today(at: datetime | None = None) -> date:
    return (at or now()).astimezone(LONDON).date()


@dataclass(frozen=True)
class RegistrationYear:
    starts_on: date
    """1 December."""

    @property
    def ends_on(self) -> date:
        """30 November of the next calendar year."""
        return date(self.starts_on.year + 1, 11, 30)

    @property
    def label(self) -> str:
        """Its short name: the two years, joined by a dash (2026 and 27 for the year from
        1 December 2026)."""
        return f"{self.starts_on.year}–{str(self.starts_on.year + 1)[2:]}"

    @property
    def span(self) -> str:
        return f"1 December {self.starts_on.year} to 30 November {self.starts_on.year + 1}"

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def previous(self) -> RegistrationYear:
        return RegistrationYear(date(self.starts_on.year - 1, 12, 1))


def registration_year_of(day: date) -> RegistrationYear:
    start_year = day.year if day.month == 12 else day.year - 1
    return RegistrationYear(date(start_year, 12, 1))


def current_registration_year(at: datetime | None = None) -> RegistrationYear:
    return registration_year_of(london_today(at))


def registration_year_starting(year: int) -> RegistrationYear:
    return RegistrationYear(date(year, 12, 1))


def year_bounds_utc(year: RegistrationYear) -> tuple[datetime, datetime]:
    """London midnight at the start of 1 December and after 30 November, in UTC."""
    start = datetime.combine(year.starts_on, time.min, tzinfo=LONDON)
    end = datetime.combine(year.ends_on + timedelta(days=1), time.min, tzinfo=LONDON)
    return start.astimezone(UTC), end.astimezone(UTC)
