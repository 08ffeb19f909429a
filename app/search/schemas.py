"""The search API's answer."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SearchHitOut(BaseModel):
    kind: str
    type: str | None
    title_html: str
    snippet_html: str
    url: str
    organisation: str | None
    year: int | None
    date: int | None
    status: str | None
    topics: list[str]


class FacetValueOut(BaseModel):
    value: str
    label: str
    count: int


class SearchPageOut(BaseModel):
    """``title_html`` and ``snippet_html`` are escaped text whose only tags are <mark>."""

    q: str
    filters: dict[str, str]
    page: int
    per_page: int
    total: int
    total_is_estimate: bool = Field(
        description="True when total is Meilisearch's estimate (a full page of a large set)."
    )
    pages: int
    hits: list[SearchHitOut]
    facets: dict[str, list[FacetValueOut]]
    did_you_mean: str | None
    notices: list[str]
