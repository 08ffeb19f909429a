""" "Your drafts": what a member was writing and has not published, to continue or
discard."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.background import BackgroundTask

from app.db import transaction
from app.drafts import service
from app.drafts.models import Draft, DraftKind
from app.members.models import Member
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.templating import render

router = APIRouter(prefix="/drafts", tags=["drafts"])


def save_after_answer(
    request: Request,
    member: Member,
    response: Response,
    *,
    kind: DraftKind,
    fields: dict[str, Any],
    draft_id: str,
    title: str | None = None,
) -> Response:
    """Save the draft of a form shown again (refused, or previewed) once the answer is
    sent: the request's transaction rolls back on a refusal, and on SQLite it holds the
    write lock until then. The form already names ``draft_id``."""
    factory = request.app.state.session_factory

    def save() -> None:
        with transaction(factory) as own:
            service.save_draft(
                own,
                actor=own.get_one(Member, member.id),
                kind=kind,
                fields=fields,
                draft_id=draft_id,
                title=title,
            )

    response.background = BackgroundTask(save)
    return response


CONTINUE_AT = {
    DraftKind.RESOURCE: "/resources/new?draft={id}",
    DraftKind.THREAD: "/discussions/start?draft={id}",
    DraftKind.REPLY: "/discussions/t/{thread_id}/reply?draft={id}",
}


def continue_url(draft: Draft) -> str:
    thread_id = quote(str(draft.fields.get("thread_id") or ""), safe="")
    return CONTINUE_AT[draft.kind].format(id=draft.id, thread_id=thread_id)


@router.post("/save", summary="Save a thread or reply being written (in the background)")
async def save_in_background(request: Request, db: DbSession, member: CurrentMember) -> Response:
    """What a compose form's background save (htmx) calls: the form's own fields for its
    kind, under its draft id; answers the status line and the id for the form."""
    form = await request.form(max_files=0)
    try:
        kind = DraftKind(str(form.get("draft_kind") or ""))
    except ValueError:
        return Response("Unknown kind of draft.", status_code=422)
    if kind not in service.SAVED_FIELDS:
        return Response("Unknown kind of draft.", status_code=422)
    fields: dict[str, Any] = {}
    for name in service.SAVED_FIELDS[kind]:
        values = [str(value) for value in form.getlist(name) if str(value)]
        if name in service.ATTACHMENT_SLOT_FIELDS and not values:
            continue  # an empty slot
        fields[name] = values if name == "topics" else (values[0] if values else "")
    draft = service.save_draft(
        db,
        actor=member,
        kind=kind,
        fields=fields,
        draft_id=str(form.get("draft_id") or "") or None,
        title=str(form.get("draft_title") or "") or None,
        in_background=True,
    )
    return render(request, "drafts/_saved.html", {"draft": draft})


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
