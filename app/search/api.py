"""GET /api/v1/search: the search page as JSON, with the same access filter."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.search import service
from app.search.engine import SearchUnavailable
from app.search.schemas import FacetValueOut, SearchHitOut, SearchPageOut
from app.search.views import Engine
from app.web.deps import CurrentMember
from app.web.problems import problem

router = APIRouter(prefix="/api/v1/search", tags=["search"])


@router.get(
    "",
    response_model=SearchPageOut,
    summary="Search everything you may see",
    description=(
        "Query parameters: q, page, per_page (at most 50), sort (relevance or newest) and the "
        "facet filters kind, type, topic, organisation, year. An unknown parameter or a bad "
        "value answers 422. When the search engine cannot be reached the answer is 503."
    ),
    responses={503: {"description": "Search is temporarily unavailable"}},
)
def search(request: Request, member: CurrentMember, engine: Engine) -> SearchPageOut | JSONResponse:
    search_request = service.parse_request(request.query_params.multi_items(), strict=True)
    try:
        outcome = service.search(engine, member=member, request=search_request)
    except SearchUnavailable:
        return problem(
            503,
            "Search is temporarily unavailable; everything else works. Try again in a minute.",
            headers={"Retry-After": "30"},
        )
    return SearchPageOut(
        q=search_request.q,
        filters=search_request.filters,
        page=search_request.page,
        per_page=search_request.per_page,
        total=outcome.total,
        total_is_estimate=outcome.total_is_estimate,
        pages=outcome.pages,
        hits=[
            SearchHitOut(
                kind=result.kind,
                type=result.type,
                title_html=str(result.heading),
                snippet_html=str(result.snippet),
                url=result.url,
                organisation=result.organisation,
                year=result.year,
                date=result.date,
                status=result.status,
                topics=result.topics,
            )
            for result in outcome.results
        ],
        facets={
            name: [FacetValueOut(value=v.value, label=v.label, count=v.count) for v in values]
            for name, values in outcome.facets.items()
        },
        did_you_mean=outcome.did_you_mean,
        notices=list(outcome.notices),
    )
