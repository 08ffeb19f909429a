"""Paging for lists: cursors (?after= / ?before=, app/keyset.py) for the long lists, page
numbers (?page=N) where a page needs them (a thread's posts, search results); a fixed page
size, and links that keep the filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from app.keyset import (
    COUNT_CAP,
    CappedCount,
    Cursor,
    InvalidCursor,
    KeysetPage,
    decode_cursor,
)

PAGE_SIZE = 25


@dataclass(frozen=True)
class PageRequest:
    number: int
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page_request(page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> PageRequest:
    return PageRequest(number=page)


@dataclass(frozen=True)
class Pagination:
    number: int
    size: int
    total: int
    base_query: dict[str, str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def href(self, number: int) -> str:
        return "?" + urlencode({**self.base_query, "page": str(number)})

    @property
    def previous_href(self) -> str | None:
        return self.href(self.number - 1) if self.number > 1 else None

    @property
    def next_href(self) -> str | None:
        return self.href(self.number + 1) if self.number < self.pages else None


def paginate(page: PageRequest, total: int, filters: dict[str, str | None]) -> Pagination:
    kept = {key: value for key, value in filters.items() if value}
    return Pagination(number=page.number, size=page.size, total=total, base_query=kept)


def cursor_request(
    after: Annotated[
        str | None, Query(description="The page after this cursor: a next_cursor answered")
    ] = None,
    before: Annotated[
        str | None, Query(description="The page before this cursor: a previous_cursor answered")
    ] = None,
) -> Cursor | None:
    """The list position in ``?after=`` (Next) or ``?before=`` (Previous); none is page 1.
    A cursor that does not decode answers 400 (InvalidCursor)."""
    if after and before:
        raise InvalidCursor()
    if after:
        return decode_cursor(after)
    if before:
        return decode_cursor(before, backwards=True)
    return None


ListCursor = Annotated[Cursor | None, Depends(cursor_request)]


@dataclass(frozen=True)
class CursorPager:
    """Previous and Next links for a keyset page, keeping the list's filters."""

    next_cursor: str | None
    previous_cursor: str | None
    base_query: dict[str, str]

    @property
    def next_href(self) -> str | None:
        if self.next_cursor is None:
            return None
        return "?" + urlencode({**self.base_query, "after": self.next_cursor})

    @property
    def previous_href(self) -> str | None:
        if self.previous_cursor is None:
            return None
        return "?" + urlencode({**self.base_query, "before": self.previous_cursor})


def cursor_pager(page: KeysetPage[Any], filters: Mapping[str, str | None]) -> CursorPager:
    kept = {key: value for key, value in filters.items() if value}
    return CursorPager(page.next_cursor, page.previous_cursor, kept)


class CursorPageOut(BaseModel):
    """What every API list answers beside its items: send ``next_cursor`` back as
    ``?after=`` for the next page, ``previous_cursor`` as ``?before=`` for the one before."""

    total: int = Field(description=f"How many items the list has, counted up to {COUNT_CAP:,}")
    total_capped: bool = Field(description=f"True when the list has more than {COUNT_CAP:,}")
    limit: int
    next_cursor: str | None
    previous_cursor: str | None


def cursor_page_fields(page: KeysetPage[Any], total: CappedCount, limit: int) -> dict[str, Any]:
    return {
        "total": total.count,
        "total_capped": total.capped,
        "limit": limit,
        "next_cursor": page.next_cursor,
        "previous_cursor": page.previous_cursor,
    }
