"""Keyset pagination: a page starts after (or ends before) the sort key of the row that
ended (or started) the page the member came from, so page 500 reads what page 1 does,
and a row written meanwhile neither repeats nor is skipped.

A cursor is the sort key values of one row plus its id (the last key, so every key is
unique), written as base64url JSON. A list's keys all run one way (all ascending or all
descending), so the position test is one row comparison, ``(a, b, id) < (:a, :b, :id)``,
which PostgreSQL answers from an index on the same columns in the same order.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, bindparam, func, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator
from starlette.exceptions import HTTPException

Row = TypeVar("Row")
KeyValue = str | int | float | bool | datetime | None

MAX_CURSOR_LENGTH = 400
INVALID_CURSOR_MESSAGE = (
    "That link to a page of this list is not valid (it may be from an older version of the "
    "portal). Go back to the first page of the list."
)
COUNT_CAP = 1000


class InvalidCursor(HTTPException):
    """400: a cursor that does not decode, or does not fit the list it was sent to (a page
    answers with the error page, the API with problem JSON)."""

    def __init__(self) -> None:
        super().__init__(400, INVALID_CURSOR_MESSAGE)


@dataclass(frozen=True)
class Cursor:
    values: tuple[KeyValue, ...]
    backwards: bool = False
    """True for "the page before this row" (a Previous link), False for "the page after"."""


def _encode_value(value: KeyValue) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    return value


def _decode_value(value: Any) -> KeyValue:
    if isinstance(value, dict):
        if set(value) != {"t"} or not isinstance(value["t"], str):
            raise InvalidCursor()
        try:
            moment = datetime.fromisoformat(value["t"])
        except ValueError as error:
            raise InvalidCursor() from error
        if moment.tzinfo is None:
            raise InvalidCursor()
        return moment
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise InvalidCursor()


def encode_cursor(values: Sequence[KeyValue]) -> str:
    text = json.dumps([_encode_value(value) for value in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(token: str, *, backwards: bool = False) -> Cursor:
    """The cursor in a link; InvalidCursor (400) when it is not one."""
    if not token or len(token) > MAX_CURSOR_LENGTH:
        raise InvalidCursor()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidCursor() from error
    if not isinstance(values, list) or not values:
        raise InvalidCursor()
    return Cursor(tuple(_decode_value(value) for value in values), backwards)


@dataclass(frozen=True)
class KeysetPage(Generic[Row]):
    items: list[Row]
    next_cursor: str | None
    """Cursor for the page after this one (older, or further on); None on the last page."""
    previous_cursor: str | None
    """Cursor for the page before this one; None on the first page."""


def _fits(value: KeyValue, key: Any) -> bool:
    """Whether a cursor's decoded value has the type of its sort key. SQLAlchemy types that
    have no Python equivalent answer ``python_type`` with NotImplementedError; for those
    any non-null value is accepted and the database judges it."""
    key_type = key.type
    if isinstance(key_type, TypeDecorator):
        key_type = key_type.impl_instance
    try:
        expected = key_type.python_type
    except NotImplementedError:
        return value is not None
    if value is None:
        return False
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected is datetime:
        return isinstance(value, datetime) and value.tzinfo is not None
    return isinstance(value, expected)


def keyset_page(
    db: Session,
    statement: Select[Any],
    *,
    keys: Sequence[Any],
    descending: bool,
    cursor: Cursor | None,
    limit: int,
) -> KeysetPage[Any]:
    """One page of ``statement`` (without ORDER BY or LIMIT) ordered by ``keys`` (the last of
    them unique, usually the id), all ascending or all descending. Items are the statement's
    rows as they come (``Row`` objects; ``row[0]`` is the first entity or column).

    No key may be NULL: the comparison would leave such rows out of every page but the
    first. The key values are read from the database (added as extra columns), so an
    expression such as ``lower(title)`` pages exactly as the database sorts it."""
    if cursor is not None and (
        len(cursor.values) != len(keys)
        or not all(_fits(value, key) for value, key in zip(cursor.values, keys, strict=True))
    ):
        raise InvalidCursor()
    labels = [key.label(f"keyset_{index}") for index, key in enumerate(keys)]
    query = statement.add_columns(*labels)
    backwards = cursor is not None and cursor.backwards
    # Going backwards reads the rows before the cursor in reverse order, then flips them.
    reading_descending = descending != backwards
    if cursor is not None:
        position = tuple_(*keys)
        after = tuple_(
            *[
                bindparam(None, value, type_=key.type)
                for value, key in zip(cursor.values, keys, strict=True)
            ]
        )
        query = query.where(position < after if reading_descending else position > after)
    query = query.order_by(*[key.desc() if reading_descending else key.asc() for key in keys])
    rows = list(db.execute(query.limit(limit + 1)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    width = len(keys)

    def key_of(row: Any) -> str:
        return encode_cursor(tuple(row[-width:]))

    if backwards:
        next_cursor = key_of(rows[-1]) if rows else None
        previous_cursor = key_of(rows[0]) if rows and more else None
    else:
        next_cursor = key_of(rows[-1]) if rows and more else None
        previous_cursor = key_of(rows[0]) if rows and cursor is not None else None
    return KeysetPage([row[:-width] for row in rows], next_cursor, previous_cursor)


@dataclass(frozen=True)
class CappedCount:
    """How many rows a list has, counted up to COUNT_CAP: past it, "more than 1,000"."""

    count: int
    capped: bool

    def __int__(self) -> int:
        return self.count


def capped_count(db: Session, statement: Select[Any], cap: int = COUNT_CAP) -> CappedCount:
    """Count the rows of ``statement`` (a SELECT of the list's rows, filters applied), reading
    at most cap + 1 of them, so a national list costs what a small one does."""
    limited = statement.limit(cap + 1).subquery()
    found = db.execute(select(func.count()).select_from(limited)).scalar_one()
    return CappedCount(min(found, cap), found > cap)


def capped_counts(db: Session, *statements: Select[Any], cap: int = COUNT_CAP) -> list[CappedCount]:
    """``capped_count`` of several lists in one statement (one round trip for a page that
    shows several counts)."""
    counts = [
        select(func.count()).select_from(statement.limit(cap + 1).subquery()).scalar_subquery()
        for statement in statements
    ]
    found = db.execute(select(*counts)).one()
    return [CappedCount(min(value, cap), value > cap) for value in found]


def stepped_distinct(column: Any, *, descending: bool = False) -> Any:
    """The distinct non-null values of an indexed ``column`` (a mapped attribute or table
    column) as a recursive CTE with one column, ``value``, that steps from one value to the
    next on the index: one index probe per value, where ``SELECT DISTINCT`` reads every
    row (200,000 audit entries for a dozen actions). Select from it with any conditions."""
    table_column = column.property.columns[0] if hasattr(column, "property") else column
    step = table_column.table.alias()
    stepped = step.c[table_column.key]
    first = func.max(table_column) if descending else func.min(table_column)
    values = select(first.label("value")).cte(f"{table_column.key}_values", recursive=True)
    following = func.max(stepped) if descending else func.min(stepped)
    beyond = stepped < values.c.value if descending else stepped > values.c.value
    return values.union_all(
        select(select(following).where(beyond).scalar_subquery()).where(values.c.value.is_not(None))
    )
