"""Searching: the member's query and facet choices turned into one Meilisearch search,
with the access filter from the policy as its own element of the filter array, and the
hits turned into results with safe highlighted snippets.

Filters are built only from the allowlisted facets below, each value quoted and escaped;
nothing from the request reaches the filter expression unquoted.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape
from meilisearch.errors import MeilisearchApiError, MeilisearchError
from requests.exceptions import RequestException

from app.errors import InvalidInput
from app.members.models import Member
from app.policy import search_access_filter
from app.search.documents import HIGHLIGHT_POST, HIGHLIGHT_PRE, KINDS, quoted
from app.search.engine import SearchEngine, SearchUnavailable
from app.search.text import query_text

logger = logging.getLogger(__name__)

# Facet name in the URL -> attribute in the index.
FACETS: dict[str, str] = {
    "kind": "kind",
    "type": "type",
    "topic": "topics",
    "organisation": "organisation",
    "year": "year",
}
KIND_LABELS = {
    "resource": "Resources",
    "discussion": "Discussions",
    "event": "Events",
    "opportunity": "Opportunities",
    "member": "Members",
    "group": "Groups",
}
SORTS = {"relevance": None, "newest": "date:desc"}
MAX_QUERY_CHARS = 200
MAX_VALUE_CHARS = 200
PER_PAGE = 20
MAX_PER_PAGE = 50
MAX_HITS = 1000  # pagination.maxTotalHits in search/indexes/content.json
SUGGESTIONS = 6


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    page: int = 1
    per_page: int = PER_PAGE
    sort: str = "relevance"
    notices: tuple[str, ...] = ()


def parse_request(
    params: Iterable[tuple[str, str]],
    *,
    strict: bool,
    reserved: Iterable[str] = ("q", "page", "per_page", "sort"),
) -> SearchRequest:
    """The query string of the page or the API, checked. Unknown facet names and bad values
    are ignored with a notice on the page (``strict=False``) and refused with a 422 on the
    API. The query is cut to MAX_QUERY_CHARS with a notice."""
    values: dict[str, str] = {}
    notices: list[str] = []
    errors: dict[str, str] = {}
    for name, value in params:
        values.setdefault(name, value)
    q = " ".join(values.get("q", "").split())
    if len(q) > MAX_QUERY_CHARS:
        notices.append(
            f"Your search was {len(q):,} characters long; the first {MAX_QUERY_CHARS} were used."
        )
        q = q[:MAX_QUERY_CHARS]
    page = _whole_number(values.get("page"), "page", errors, maximum=10_000) or 1
    per_page = min(
        _whole_number(values.get("per_page"), "per_page", errors, maximum=MAX_PER_PAGE) or PER_PAGE,
        MAX_PER_PAGE,
    )
    sort = values.get("sort") or "relevance"
    if sort not in SORTS:
        errors["sort"] = "Sort by relevance or newest."
        sort = "relevance"
    filters: dict[str, str] = {}
    reserved_names = set(reserved)
    for name, value in values.items():
        if name in reserved_names or not value.strip():
            continue
        if name not in FACETS:
            errors[name] = (
                f"There is no filter called “{name[:40]}”; filters are {', '.join(FACETS)}."
            )
            continue
        value = value.strip()[:MAX_VALUE_CHARS]
        if name == "kind" and value not in KINDS:
            errors[name] = f"Kind is one of {', '.join(KINDS)}."
            continue
        if name == "year" and not (value.isdigit() and 1900 <= int(value) <= 2200):
            errors[name] = "Year is a year such as 2024."
            continue
        filters[name] = value
    if errors and strict:
        raise InvalidInput(errors)
    notices += [f"{message} It was ignored." for message in errors.values()]
    return SearchRequest(
        q=q, filters=filters, page=page, per_page=per_page, sort=sort, notices=tuple(notices)
    )


def _whole_number(
    value: str | None, name: str, errors: dict[str, str], *, maximum: int
) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        errors[name] = f"{name.replace('_', ' ').capitalize()} is a number from 1 to {maximum}."
        return None
    return int(value)


def filter_expressions(member: Member, filters: dict[str, str]) -> list[str]:
    """The filter array: the member's access filter as its own element, then one element per
    chosen facet. Elements are ANDed by Meilisearch, so no facet value can widen access."""
    expressions = []
    access = search_access_filter(member)
    if access is not None:
        expressions.append(access)
    for name, value in sorted(filters.items()):
        attribute = FACETS[name]
        if name == "year":
            expressions.append(f"{attribute} = {int(value)}")
        else:
            expressions.append(f"{attribute} = {quoted(value)}")
    return expressions


def highlighted(text: str | None) -> Markup:
    """Escape the text, then turn the highlight sentinels (never present in indexed text)
    into <mark> elements."""
    if not text:
        return Markup("")
    if text.count(HIGHLIGHT_PRE) != text.count(HIGHLIGHT_POST):
        text = text.replace(HIGHLIGHT_PRE, "").replace(HIGHLIGHT_POST, "")
    # The query is stemmed, so Meilisearch marks "chronolog" of "chronology": mark the word.
    text = _MARKED.sub(lambda match: HIGHLIGHT_PRE + match[1] + match[2] + HIGHLIGHT_POST, text)
    safe = str(escape(text))
    return Markup(  # noqa: S704 - escaped above; only our own tags are added
        safe.replace(HIGHLIGHT_PRE, "<mark>").replace(HIGHLIGHT_POST, "</mark>")
    )


@dataclass(frozen=True)
class Result:
    kind: str
    type: str | None
    heading: Markup
    snippet: Markup
    url: str
    organisation: str | None
    year: int | None
    date: int | None
    status: str | None
    topics: list[str]
    group_id: str | None = None


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    label: str


@dataclass(frozen=True)
class SearchOutcome:
    request: SearchRequest
    results: list[Result]
    total: int
    pages: int
    facets: dict[str, list[FacetValue]]
    total_is_estimate: bool
    did_you_mean: str | None
    notices: tuple[str, ...]
    took_ms: int


SNIPPET_FIELDS = ("file_text", "body", "summary")


def _snippet(formatted: dict[str, Any]) -> str:
    for name in SNIPPET_FIELDS:
        value = formatted.get(name)
        if isinstance(value, str) and HIGHLIGHT_PRE in value:
            return value
    for name in ("summary", "body", "file_text"):
        value = formatted.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _result(hit: dict[str, Any]) -> Result:
    formatted = hit.get("_formatted") or hit
    return Result(
        kind=str(hit.get("kind")),
        type=hit.get("type"),
        heading=highlighted(str(formatted.get("heading") or hit.get("heading") or "")),
        snippet=highlighted(_snippet(formatted)),
        url=str(hit.get("url") or "/"),
        organisation=hit.get("organisation"),
        year=hit.get("year"),
        date=hit.get("date"),
        status=hit.get("status"),
        topics=list(hit.get("topics") or []),
        group_id=hit.get("group_id"),
    )


_WORD = re.compile(r"\w+", re.UNICODE)
# A match, and the rest of its word (Meilisearch marks only the matched part of a word).
_MARKED = re.compile(re.escape(HIGHLIGHT_PRE) + r"(.*?)" + re.escape(HIGHLIGHT_POST) + r"(\w*)")


def did_you_mean(q: str, hits: list[dict[str, Any]]) -> str | None:
    """When typo tolerance matched words other than the ones typed, the query with the
    matched words: "did you mean …"."""
    words = _WORD.findall(q.lower())
    if not words or not hits:
        return None
    matched: set[str] = set()
    for hit in hits[:5]:
        for value in (hit.get("_formatted") or {}).values():
            if isinstance(value, str):
                matched.update((m + rest).lower() for m, rest in _MARKED.findall(value))
    matched_words = {w for phrase in matched for w in _WORD.findall(phrase)}
    corrected = []
    for word in words:
        if word in matched_words or word.isdigit():
            corrected.append(word)
            continue
        close = difflib.get_close_matches(word, sorted(matched_words), n=1, cutoff=0.75)
        corrected.append(close[0] if close else word)
    suggestion = " ".join(corrected)
    return suggestion if suggestion != " ".join(words) else None


def _facet_label(name: str, value: str) -> str:
    if name == "kind":
        return KIND_LABELS.get(value, value)
    if name == "type":
        return value.replace("_", " ").capitalize()
    return value


def _call(
    engine: SearchEngine, query: str, params: dict[str, Any], *extra: dict[str, Any]
) -> dict[str, Any]:
    """One search; with ``extra`` parameter sets, one multi-search whose first result is
    returned, with the others under ``_extra``."""
    try:
        client = engine.client(timeout=5)
        if not extra:
            return dict(client.index(engine.content_uid).search(query, params))
        queries = [{"indexUid": engine.content_uid, "q": query, **one} for one in (params, *extra)]
        results = client.multi_search(queries)["results"]
        return {**results[0], "_extra": results[1:]}
    except (MeilisearchError, RequestException, OSError) as error:
        if isinstance(error, MeilisearchApiError) and error.code not in (
            "index_not_found",
            None,
        ):
            logger.error("search refused by Meilisearch: %s", error)
        raise SearchUnavailable(str(error)) from error


def search_params(member: Member, request: SearchRequest) -> dict[str, Any]:
    """The Meilisearch search parameters for one request (the benchmark sends the same)."""
    last_page = max(1, MAX_HITS // request.per_page)
    params: dict[str, Any] = {
        "filter": filter_expressions(member, request.filters),
        "facets": list(FACETS.values()),
        # offset and limit, not page and hitsPerPage: with a distinct attribute, an exact
        # total makes Meilisearch deduplicate every candidate, which grows with the index
        # (docs/search.md, "Counting results").
        "offset": (min(request.page, last_page) - 1) * request.per_page,
        "limit": request.per_page,
        "attributesToRetrieve": [
            "kind",
            "type",
            "heading",
            "url",
            "organisation",
            "year",
            "date",
            "status",
            "topics",
            "group_id",
        ],
        "attributesToHighlight": ["heading", "summary", "body", "file_text"],
        "attributesToCrop": ["summary:40", "body:32", "file_text:32"],
        "cropMarker": "…",
        "highlightPreTag": HIGHLIGHT_PRE,
        "highlightPostTag": HIGHLIGHT_POST,
    }
    sort = SORTS.get(request.sort)
    if sort:
        params["sort"] = [sort]
    return params


def result_count(raw: dict[str, Any], offset: int, per_page: int) -> tuple[int, bool]:
    """The number of results and whether it is an estimate. A page that is not full, or
    empty, means Meilisearch went through every candidate, so the count is exact; a full
    page's count is Meilisearch's estimate (replies and file chunks of a result already
    shown may still be counted)."""
    shown = len(raw.get("hits") or [])
    estimate = int(raw.get("estimatedTotalHits") or 0)
    if shown == 0:
        return estimate, False
    if shown < per_page:
        return offset + shown, False
    return max(estimate, offset + shown), True


def search(engine: SearchEngine, *, member: Member, request: SearchRequest) -> SearchOutcome:
    """Raises SearchUnavailable when Meilisearch cannot answer."""
    notices = list(request.notices)
    last_page = max(1, MAX_HITS // request.per_page)
    page = request.page
    if page > last_page:
        notices.append(f"Results go up to page {last_page}; there is no page {page}.")
    params = search_params(member, request)
    extra = []
    if "kind" in request.filters:
        # The kind tabs count every kind, not only the chosen one: the same search without
        # the kind filter, in the same request, for its kind counts only.
        others = {name: value for name, value in request.filters.items() if name != "kind"}
        extra.append({"filter": filter_expressions(member, others), "facets": ["kind"], "limit": 0})
    raw = _call(engine, query_text(request.q), params, *extra)
    hits = list(raw.get("hits") or []) if page <= last_page else []
    total, estimated = result_count(raw, params["offset"], request.per_page)
    pages = -(-min(total, MAX_HITS) // request.per_page)
    if page > 1 and page > pages and page <= last_page:
        notices.append(
            f"There {'is' if pages == 1 else 'are'} only {pages} "
            f"{'page' if pages == 1 else 'pages'} of results; page {page} is empty."
            if pages
            else f"There is no page {page}: nothing matched."
        )
    distribution = dict(raw.get("facetDistribution") or {})
    for other in raw.get("_extra") or []:
        distribution["kind"] = (other.get("facetDistribution") or {}).get("kind") or {}
    facets = {
        name: [
            FacetValue(value=str(value), count=int(count), label=_facet_label(name, str(value)))
            for value, count in (distribution.get(attribute) or {}).items()
        ]
        for name, attribute in FACETS.items()
    }
    if "year" in facets:
        facets["year"].sort(key=lambda facet: facet.value, reverse=True)
    return SearchOutcome(
        request=request,
        results=[_result(hit) for hit in hits],
        total=total,
        pages=pages,
        facets=facets,
        total_is_estimate=estimated,
        did_you_mean=did_you_mean(request.q, hits) if request.q else None,
        notices=tuple(notices),
        took_ms=int(raw.get("processingTimeMs") or 0),
    )


@dataclass(frozen=True)
class Suggestion:
    heading: Markup
    url: str
    kind: str


def suggest(engine: SearchEngine, *, member: Member, q: str) -> list[Suggestion]:
    """Titles for the search-as-you-type list: the same access filter, a few hits."""
    q = " ".join(q.split())[:MAX_QUERY_CHARS]
    if len(q) < 2:
        return []
    raw = _call(
        engine,
        query_text(q),
        {
            "filter": filter_expressions(member, {}),
            "limit": SUGGESTIONS,
            "attributesToRetrieve": ["heading", "url", "kind"],
            "attributesToHighlight": ["heading"],
            "highlightPreTag": HIGHLIGHT_PRE,
            "highlightPostTag": HIGHLIGHT_POST,
        },
    )
    return [
        Suggestion(
            heading=highlighted(str((hit.get("_formatted") or hit).get("heading") or "")),
            url=str(hit.get("url") or "/"),
            kind=KIND_LABELS.get(str(hit.get("kind")), ""),
        )
        for hit in raw.get("hits") or []
    ]
