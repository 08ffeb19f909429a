"""A post's files: what the compose form posted in its attachment slots, and downloads
(images inline, so a page can show them; everything else as a download)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from app.discussions import service
from app.discussions.views._common import post_href
from app.resources.file_forms import content_disposition
from app.resources.service import Upload
from app.resources.storage import FileStorage
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash

router = APIRouter(tags=["discussions"])

SLOTS = range(1, service.MAX_ATTACHMENTS_PER_POST + 1)


async def posted_attachments(request: Request) -> list[service.AttachmentUpload]:
    """The filled-in slots of the compose form (``attachment_N`` with ``alt_text_N``);
    an empty file input is no attachment."""
    form = await request.form()
    chosen = []
    for slot in SLOTS:
        item = form.get(f"attachment_{slot}")
        if isinstance(item, UploadFile) and (item.filename or item.size):
            chosen.append(
                service.AttachmentUpload(
                    slot=slot,
                    upload=Upload(filename=item.filename, stream=item.file),
                    alt_text=str(form.get(f"alt_text_{slot}") or ""),
                )
            )
    return chosen


def attaching_from(request: Request, files: list[service.AttachmentUpload]) -> service.Attaching:
    storage: FileStorage = request.app.state.file_storage
    return service.Attaching(
        storage=storage,
        max_bytes=request.app.state.settings.max_upload_bytes,
        files=files,
    )


def attachment_response(found: service.AttachmentDownload) -> FileResponse:
    """The stored file under its safe original name; images inline (only PNG, JPEG, GIF
    and WebP pass the checks, never SVG, and nosniff stops a browser guessing)."""
    disposition = content_disposition(found.filename)
    if found.is_image:
        disposition = disposition.replace("attachment;", "inline;", 1)
    return FileResponse(
        found.path,
        media_type=found.content_type,
        headers={
            "Content-Disposition": disposition,
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/discussions/attachments/{attachment_id}", summary="A file attached to a post")
def download(
    request: Request, db: DbSession, member: CurrentMember, attachment_id: str
) -> Response:
    found = service.download_attachment(
        db,
        storage=request.app.state.file_storage,
        viewer=member,
        attachment_id=attachment_id,
    )
    return attachment_response(found)


@router.post(
    "/discussions/attachments/{attachment_id}/release",
    summary="Clear the anonymisation guard's hold on a post's file (moderators)",
)
def release(request: Request, db: DbSession, member: CurrentMember, attachment_id: str) -> Response:
    _released, post = service.release_attachment(db, actor=member, attachment_id=attachment_id)
    response = RedirectResponse(post_href(post), status_code=303)
    flash(request, response, "The file is cleared: everyone who can read the post can see it.")
    return response
