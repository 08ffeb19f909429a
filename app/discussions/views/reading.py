"""Reading: a thread page by page, the first unread post, a post in its thread, a post's
edit history."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from app.cpd import service as cpd
from app.cpd.models import LinkedItem
from app.discussions import service
from app.discussions.service import POSTS_PER_PAGE
from app.discussions.views._common import Page, _thread_href, post_href
from app.groups.service import group_names
from app.members.models import Member
from app.web.deps import CurrentMember, DbSession
from app.web.pagination import PageRequest, paginate
from app.web.templating import render

router = APIRouter(tags=["discussions"])


def _thread_page(
    request: Request,
    db: Session,
    member: Member,
    thread_id: str,
    number: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    page = service.thread_page(db, viewer=member, thread_id=thread_id, number=number)
    pager = paginate(PageRequest(number, POSTS_PER_PAGE), page.thread.last_post_number, {})
    return render(
        request,
        "discussions/thread.html",
        {
            "page": page,
            "thread": page.thread,
            "pager": pager,
            "errors": errors or {},
            "group_names": group_names(db, viewer=member, group_ids=[page.thread.group_id]),
            "cpd_suggestion": cpd.suggestion_for_item(
                db, member=member, item_type=LinkedItem.THREAD, item_id=thread_id
            ),
        },
        status_code=status_code,
    )


@router.get("/discussions/t/{thread_id}", summary="A thread, 25 posts a page")
def thread(
    request: Request, db: DbSession, member: CurrentMember, thread_id: str, page: Page
) -> Response:
    return _thread_page(request, db, member, thread_id, page.number)


@router.get("/discussions/t/{thread_id}/unread", summary="Go to the first unread post")
def first_unread(db: DbSession, member: CurrentMember, thread_id: str) -> RedirectResponse:
    page, number = service.first_unread(db, viewer=member, thread_id=thread_id)
    return RedirectResponse(f"{_thread_href(thread_id, page)}#post-{number}", status_code=303)


@router.get("/discussions/p/{post_id}", summary="Go to a post in its thread")
def go_to_post(db: DbSession, member: CurrentMember, post_id: str) -> RedirectResponse:
    thread_id, page, number = service.locate_post(db, viewer=member, post_id=post_id)
    return RedirectResponse(f"{_thread_href(thread_id, page)}#post-{number}", status_code=303)


@router.get("/discussions/p/{post_id}/history", summary="A post's edit history")
def history(request: Request, db: DbSession, member: CurrentMember, post_id: str) -> Response:
    found = service.post_history(db, viewer=member, post_id=post_id)
    return render(
        request, "discussions/history.html", {"history": found, "back": post_href(found.post)}
    )
