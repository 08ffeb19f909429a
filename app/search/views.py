"""The search page, its suggestions-as-you-type fragment, and the admin search page."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.groups.service import group_names
from app.members.models import Member
from app.search import admin as search_admin
from app.search import service
from app.search.engine import SearchEngine, SearchUnavailable
from app.web.deps import CurrentMember, DbSession, require_admin
from app.web.flash import flash
from app.web.pagination import Pagination
from app.web.templating import render

router = APIRouter(tags=["search"])
admin_router = APIRouter(
    prefix="/admin/search", tags=["admin"], dependencies=[Depends(require_admin)]
)


def search_engine(request: Request) -> SearchEngine:
    return request.app.state.search_engine


Engine = Annotated[SearchEngine, Depends(search_engine)]


def _href(request: service.SearchRequest, **changes: Any) -> str:
    """The page's URL with some parameters changed (None removes one); back to page 1."""
    values: dict[str, Any] = {"q": request.q, **request.filters, "sort": request.sort}
    values.update(changes)
    values.setdefault("page", None)
    if values.get("sort") == "relevance":
        values["sort"] = None
    return "/search?" + urlencode({k: v for k, v in values.items() if v not in (None, "")})


@router.get("/search", summary="Search everything you may see", response_class=HTMLResponse)
def search_page(request: Request, db: DbSession, member: CurrentMember, engine: Engine) -> Response:
    search_request = service.parse_request(request.query_params.multi_items(), strict=False)
    context: dict[str, Any] = {
        "search": search_request,
        "outcome": None,
        "unavailable": False,
        "href": lambda **changes: _href(search_request, **changes),
        "kind_labels": service.KIND_LABELS,
        "kind_names": {
            kind: label.removesuffix("s") for kind, label in service.KIND_LABELS.items()
        },
        "group_names": {},
        "facet_labels": {
            "type": "Type",
            "topic": "Topic",
            "organisation": "Organisation",
            "year": "Year",
        },
    }
    if search_request.q or search_request.filters:
        try:
            outcome = service.search(engine, member=member, request=search_request)
        except SearchUnavailable:
            context["unavailable"] = True
        else:
            kept = {"q": search_request.q, **search_request.filters}
            if search_request.sort != "relevance":
                kept["sort"] = search_request.sort
            context["outcome"] = outcome
            context["group_names"] = group_names(
                db, viewer=member, group_ids=[result.group_id for result in outcome.results]
            )
            context["pager"] = Pagination(
                number=search_request.page,
                size=search_request.per_page,
                total=min(outcome.total, service.MAX_HITS),
                base_query={k: v for k, v in kept.items() if v},
            )
    return render(request, "search/search.html", context)


@router.get("/search/suggest", summary="Suggestions as you type (an HTML fragment)")
def suggestions(
    request: Request,
    member: CurrentMember,
    engine: Engine,
    q: Annotated[str, Query(max_length=10_000)] = "",
) -> Response:
    try:
        items = service.suggest(engine, member=member, q=q)
    except SearchUnavailable:
        items = []
    return render(request, "search/_suggestions.html", {"suggestions": items, "q": q})


# --- admin ---------------------------------------------------------------------------------


def _admin_page(
    request: Request,
    db: Session,
    member: Member,
    *,
    errors: dict[str, str] | None = None,
    terms: str = "",
    status_code: int = 200,
) -> Response:
    builtin, added = search_admin.synonym_groups(db, actor=member)
    return render(
        request,
        "search/admin.html",
        {
            "builtin": builtin,
            "added": added,
            "failing": search_admin.failing_outbox_rows(db, actor=member),
            "errors": errors or {},
            "terms": terms,
        },
        status_code=status_code,
    )


@admin_router.get("", summary="Search synonyms and failing index updates")
def admin_search(request: Request, db: DbSession, member: CurrentMember) -> Response:
    return _admin_page(request, db, member)


@admin_router.post("/synonyms", summary="Add a synonym group")
def add_synonyms(
    request: Request, db: DbSession, member: CurrentMember, terms: Annotated[str, Form()] = ""
) -> Response:
    try:
        group = search_admin.add_synonym_group(db, actor=member, text=terms[:4000])
    except InvalidInput as error:
        return _admin_page(request, db, member, errors=error.errors, terms=terms, status_code=422)
    response = RedirectResponse("/admin/search", status_code=303)
    flash(request, response, f"Synonyms added: {', '.join(group.terms)}. Search uses them shortly.")
    return response


@admin_router.post("/synonyms/{group_id}/delete", summary="Remove a synonym group")
def remove_synonyms(
    request: Request, db: DbSession, member: CurrentMember, group_id: str
) -> Response:
    search_admin.remove_synonym_group(db, actor=member, group_id=group_id)
    response = RedirectResponse("/admin/search", status_code=303)
    flash(request, response, "The synonym group is removed.")
    return response


@admin_router.post("/retry", summary="Retry failed index updates")
def retry(request: Request, db: DbSession, member: CurrentMember) -> Response:
    count = search_admin.retry_failed(db, actor=member)
    response = RedirectResponse("/admin/search", status_code=303)
    flash(request, response, f"{count} index {'update' if count == 1 else 'updates'} queued again.")
    return response
