"""Posts in the JSON API: edit, delete, revisions, reactions, hide and restore (moderators),
quote, and preview."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response

from app.discussions import service
from app.discussions.api._common import GUARD_RESPONSE, _findings, _guarded, _saved_post
from app.discussions.schemas import (
    OptionalReason,
    PostUpdate,
    PreviewBody,
    PreviewOut,
    QuoteBody,
    QuoteOut,
    ReactionBody,
    ReasonBody,
    RevisionOut,
)
from app.security.rate_limits import member_rate_limit
from app.web.deps import CurrentMember, DbSession

router = APIRouter(prefix="/api/v1/discussions", tags=["discussions"])


@router.patch(
    "/posts/{post_id}",
    responses=GUARD_RESPONSE,
    summary="Edit a post (the author or a moderator); the previous text is kept",
)
def edit_post(db: DbSession, member: CurrentMember, post_id: str, body: PostUpdate) -> Any:
    return _guarded(
        lambda: service.edit_post(db, actor=member, post_id=post_id, data=body), _saved_post
    )


@router.delete(
    "/posts/{post_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a post (soft); the opening post deletes the thread",
)
def delete_post(db: DbSession, member: CurrentMember, post_id: str) -> Response:
    service.delete_post(db, actor=member, post_id=post_id)
    return Response(status_code=204)


@router.get(
    "/posts/{post_id}/revisions",
    response_model=list[RevisionOut],
    summary="A post's earlier versions, newest first (the author and moderators)",
)
def revisions(db: DbSession, member: CurrentMember, post_id: str) -> list[RevisionOut]:
    found = service.post_history(db, viewer=member, post_id=post_id)
    return [
        RevisionOut(
            title=revision.title,
            body_markdown=revision.body_markdown,
            written_at=revision.written_at,
            replaced_at=revision.replaced_at,
            replaced_by=revision.replaced_by.display_name
            if revision.replaced_by
            else "A former member",
        )
        for revision in found.revisions
    ]


@router.post(
    "/posts/{post_id}/reactions",
    dependencies=[Depends(member_rate_limit("reaction"))],
    status_code=204,
    response_class=Response,
    summary="Mark a post helpful or thank its author (once each)",
)
def add_reaction(
    db: DbSession, member: CurrentMember, post_id: str, body: ReactionBody
) -> Response:
    service.react(db, actor=member, post_id=post_id, kind=body.kind, on=True)
    return Response(status_code=204)


@router.delete(
    "/posts/{post_id}/reactions/{kind}",
    status_code=204,
    response_class=Response,
    summary="Take back a reaction",
)
def remove_reaction(db: DbSession, member: CurrentMember, post_id: str, kind: str) -> Response:
    service.react(db, actor=member, post_id=post_id, kind=kind, on=False)
    return Response(status_code=204)


@router.post(
    "/posts/{post_id}/hide", summary="Hide a post with a reason shown instead (moderators)"
)
def hide_post(
    db: DbSession, member: CurrentMember, post_id: str, body: ReasonBody
) -> dict[str, Any]:
    post = service.hide_post(db, actor=member, post_id=post_id, reason=body.reason)
    return {**_saved_post(post), "hidden_reason": post.hidden_reason}


@router.post("/posts/{post_id}/restore", summary="Restore a hidden or deleted post (moderators)")
def restore_post(
    db: DbSession, member: CurrentMember, post_id: str, body: OptionalReason
) -> dict[str, Any]:
    return _saved_post(service.restore_post(db, actor=member, post_id=post_id, reason=body.reason))


@router.post(
    "/posts/{post_id}/quote",
    response_model=QuoteOut,
    summary="Markdown quoting a post, or part of it, to start a reply with",
)
def quote_post(db: DbSession, member: CurrentMember, post_id: str, body: QuoteBody) -> QuoteOut:
    return QuoteOut(markdown=service.quote(db, viewer=member, post_id=post_id, part=body.part))


@router.post(
    "/preview",
    response_model=PreviewOut,
    summary="Render Markdown as a post would be shown, with the guard's findings; saves nothing",
)
def preview(member: CurrentMember, body: PreviewBody) -> PreviewOut:
    shown = service.preview(body=body.body, title=body.title or None)
    return PreviewOut(html=shown.html, findings=_findings(shown.findings))  # type: ignore[arg-type]
