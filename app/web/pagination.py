"""Page numbers for lists: ?page=N, a fixed page size, and links that keep the filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query

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
