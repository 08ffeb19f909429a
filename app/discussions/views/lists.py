"""Lists of threads: the discussions overview, a category's threads, unanswered, new since
the last visit, followed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.discussions import service
from app.groups.service import group_names
from app.keyset import Cursor
from app.members.models import Member
from app.web.deps import CurrentMember, DbSession
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_pager
from app.web.templating import render

router = APIRouter(tags=["discussions"])


VIEW_TITLES = {
    "unanswered": "Unanswered questions",
    "new": "New since your last visit",
    "following": "Threads you follow",
}


@router.get("/discussions", summary="Discussion categories")
def index(request: Request, db: DbSession, member: CurrentMember) -> Response:
    overview = service.overview(db, viewer=member)
    return render(request, "discussions/index.html", {"overview": overview})


def _list_page(
    request: Request,
    db: Session,
    member: Member,
    cursor: Cursor | None,
    *,
    view: service.ThreadView,
    category_slug: str | None = None,
    topic: str = "",
) -> Response:
    browse = service.browse_threads(
        db,
        viewer=member,
        view=view,
        category_slug=category_slug,
        topic_slug=topic or None,
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    title = browse.category.category.name if browse.category else VIEW_TITLES[view]
    return render(
        request,
        "discussions/list.html",
        {
            "browse": browse,
            "view": view,
            "list_title": title,
            "pager": cursor_pager(browse.page, {"topic": topic}),
            "group_names": group_names(
                db, viewer=member, group_ids=[item.thread.group_id for item in browse.threads]
            ),
        },
    )


@router.get("/discussions/c/{slug}", summary="The threads of one category")
def category(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    slug: str,
    topic: Annotated[str, Query(max_length=80)] = "",
) -> Response:
    return _list_page(request, db, member, cursor, view="all", category_slug=slug, topic=topic)


def _view_route(view: service.ThreadView) -> Callable[..., Response]:
    def route(
        request: Request, db: DbSession, member: CurrentMember, cursor: ListCursor
    ) -> Response:
        return _list_page(request, db, member, cursor, view=view)

    return route


for _view, _title in VIEW_TITLES.items():
    router.add_api_route(
        f"/discussions/{_view}",
        _view_route(_view),  # type: ignore[arg-type]
        methods=["GET"],
        summary=_title,
        name=f"discussions_{_view}",
    )
