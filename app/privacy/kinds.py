"""The contract between the privacy package and the domains that hold members' data.

Each domain offers a ``PersonalData`` in its own ``privacy.py``: the files it adds to a
member's export (rows streamed from the database, never a whole list) and what erasing a
member means for its tables. ``app/privacy/registry.py`` puts them together, as
``app/worker.py`` puts the worker's tasks together, so a new domain covers its own tables
by adding one entry there. This module imports no domain, so domains can import it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

Row = dict[str, Any]


@dataclass(frozen=True)
class ExportFile:
    """One JSON file of the export: ``rows(db, member_id)`` yields its entries."""

    name: str
    explanation: str
    rows: Callable[[Session, str], Iterator[Row]]


@dataclass(frozen=True)
class StoredFile:
    """A file the member uploaded, copied into the export under ``path``."""

    path: str
    storage_key: str


@dataclass(frozen=True)
class ErasureContext:
    """What an erasure needs to know. ``pseudonym`` replaces the member's name where a
    record must stay (the audit log); ``remove_content`` removes their posts and threads
    instead of keeping them under "Former member"; ``hide_resources`` hides their resources
    instead of handing them to their organisation."""

    member_id: str
    organisation_id: str | None
    pseudonym: str
    remove_content: bool
    hide_resources: bool
    actor_id: str | None
    reminder_hours: int
    identifying: tuple[str, ...]
    """Their name, e-mail addresses and sign-in subjects, as stored."""


@dataclass(frozen=True)
class PersonalData:
    domain: str
    files: tuple[ExportFile, ...] = ()
    stored_files: Callable[[Session, str], Iterator[StoredFile]] | None = None
    erase: Callable[[Session, ErasureContext], None] | None = None
    """Runs before the member's row is deleted (rows that cascade with it need nothing)."""
    stored_files_explanation: str = ""
    count: Callable[[Session, str], int] | None = None
    """How many rows the export would hold, for the inline/worker decision."""


def json_value(value: Any) -> Any:
    """``json.dumps``' ``default``: times in ISO 8601 UTC, enums by value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not exportable")


def columns_of(row: Any, *names: str) -> Row:
    return {name: getattr(row, name) for name in names}
