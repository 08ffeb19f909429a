"""Posts in the JSON API: edit, delete, revisions, reactions, hide and restore (moderators),
quote, preview, and downloading a post's files.

Posts are JSON, so files go first to ``POST /attachments`` (multipart, one file each) and
the new thread or reply then lists their ids in ``attachment_ids``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile

from app.discussions import service
from app.discussions.api._common import (
    GUARD_RESPONSE,
    _findings,
    _guarded,
    _saved_post,
    attachment_out,
)
from app.discussions.models import ALT_TEXT_MAX_LENGTH
from app.discussions.schemas import (
    AttachmentOut,
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
from app.discussions.views.attachments import attachment_response
from app.resources.service import Upload
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


@router.get(
    "/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
    summary="Download a file attached to a post (whoever may read the post)",
)
def download_attachment(
    request: Request, db: DbSession, member: CurrentMember, attachment_id: str
) -> Response:
    found = service.download_attachment(
        db, storage=request.app.state.file_storage, viewer=member, attachment_id=attachment_id
    )
    return attachment_response(found)


@router.post(
    "/attachments",
    status_code=201,
    response_model=AttachmentOut,
    responses=GUARD_RESPONSE,
    summary="Upload a file to attach to your next thread or reply (by its id)",
    description="Checked as the compose form's files are (type by content, size, an image "
    "needs `alt_text`). Only you can see it until a post lists it in `attachment_ids`; "
    "unattached uploads are dropped after a day.",
)
def upload_attachment(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    file: Annotated[UploadFile, File(description="The file")],
    alt_text: Annotated[
        str, Form(max_length=ALT_TEXT_MAX_LENGTH, description="For an image: what it shows")
    ] = "",
) -> Any:
    attaching = service.Attaching(
        storage=request.app.state.file_storage,
        max_bytes=request.app.state.settings.max_upload_bytes,
        files=[
            service.AttachmentUpload(
                slot=1, upload=Upload(filename=file.filename, stream=file.file), alt_text=alt_text
            )
        ],
    )
    return _guarded(
        lambda: service.upload_attachment(db, actor=member, attaching=attaching), attachment_out
    )


@router.post(
    "/attachments/{attachment_id}/release",
    response_model=AttachmentOut,
    summary="Clear the anonymisation guard's hold on a post's file (moderators)",
)
def release_attachment(db: DbSession, member: CurrentMember, attachment_id: str) -> AttachmentOut:
    released, _post = service.release_attachment(db, actor=member, attachment_id=attachment_id)
    return attachment_out(released)
