"""The one clock the opportunities domain reads, so tests can fix it (closing dates are
about London days, and a test must be able to stand just before or after midnight)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from app.db import LONDON, utcnow


def now() -> datetime:
    return utcnow()


def london_today(at: datetime | None = None) -> date:
    return (at or now()).astimezone(LONDON).date()


def end_of_london_day(day: date) -> datetime:
    """Midnight after ``day`` in Europe/London, in UTC (23:00 or 00:00 by the season)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON).astimezone(UTC)
