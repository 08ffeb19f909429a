""" "Your drafts": what a member was writing and has not published, to continue or
discard."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.drafts import service
from app.drafts.models import Draft, DraftKind
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.templating import render

router = APIRouter(prefix="/drafts", tags=["drafts"])

CONTINUE_AT = {DraftKind.RESOURCE: "/resources/new?draft={id}"}


def continue_url(draft: Draft) -> str:
    return CONTINUE_AT[draft.kind].format(id=draft.id)


@router.get("", summary="Your drafts")
def my_drafts(request: Request, db: DbSession, member: CurrentMember) -> Response:
    drafts = service.list_drafts(db, viewer=member)
    return render(
        request,
        "drafts/list.html",
        {"drafts": [(draft, continue_url(draft)) for draft in drafts]},
    )


@router.post("/{draft_id}/discard", summary="Discard a draft")
def discard(request: Request, db: DbSession, member: CurrentMember, draft_id: str) -> Response:
    draft = service.get_draft(db, viewer=member, draft_id=draft_id)
    title = draft.title
    service.discard_draft(db, actor=member, draft_id=draft.id)
    response = RedirectResponse("/drafts", status_code=303)
    flash(request, response, f"The draft “{title}” is discarded.")
    return response
