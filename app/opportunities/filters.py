"""The list's filter, as SQL conditions on ``Opportunity``, shared by the list and by saved
alerts so that an alert matches exactly what its list would show.

``filter_conditions`` takes either a filter of values (the list: an empty field adds no
condition) or the ``OpportunityAlert`` class itself, whose columns have the same names (the
worker's one set-based query: a NULL field in the saved alert matches anything)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, or_

from app.opportunities.models import Opportunity, OpportunityKind, WorkLocation

CLOSING_SOON = timedelta(days=7)


@dataclass(frozen=True)
class OpportunityFilter:
    kind: OpportunityKind | None = None
    organisation_id: str | None = None
    practice_area: str | None = None
    location: WorkLocation | None = None
    closing_within_week: bool = False


def _equal(column: Any, wanted: Any) -> ColumnElement[bool] | None:
    if isinstance(wanted, ColumnElement) or hasattr(wanted, "__clause_element__"):
        return or_(wanted.is_(None), column == wanted)
    return column == wanted if wanted else None


def _closing_soon(wanted: Any, now: datetime) -> ColumnElement[bool] | None:
    soon = Opportunity.closes_at <= now + CLOSING_SOON
    if isinstance(wanted, ColumnElement) or hasattr(wanted, "__clause_element__"):
        return or_(wanted == false(), soon)
    return soon if wanted else None


def filter_conditions(opportunity_filter: Any, now: datetime) -> list[ColumnElement[bool]]:
    """``opportunity_filter`` is an ``OpportunityFilter`` or the ``OpportunityAlert`` class."""
    conditions = [
        _equal(Opportunity.kind, opportunity_filter.kind),
        _equal(Opportunity.organisation_id, opportunity_filter.organisation_id),
        _equal(Opportunity.practice_area, opportunity_filter.practice_area),
        _equal(Opportunity.location, opportunity_filter.location),
        _closing_soon(opportunity_filter.closing_within_week, now),
    ]
    return [condition for condition in conditions if condition is not None]
