"""A post's files: what the compose and edit forms posted in their attachment slots (each
chosen file kept at once, so a refused form never loses it), and downloads (images inline,
so a page can show them; everything else as a download)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from app.discussions import service
from app.discussions.views._common import post_href
from app.members.models import Member
from app.resources.file_forms import content_disposition
from app.resources.service import Upload
from app.resources.storage import FileStorage
from app.uploads.forms import keep_files, staged_upload_holder
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash

router = APIRouter(tags=["discussions"])

SLOTS = range(1, service.MAX_ATTACHMENTS_PER_POST + 1)


@dataclass(frozen=True)
class FormFiles:
    """What the form's file slots hold once this request's files are kept: the kept file's
    id in each slot, and what was wrong with each file refused."""

    staged: dict[int, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


async def form_files(request: Request, member: CurrentMember) -> FormFiles:
    """Keep each file chosen in a slot at once (app/uploads), so that whatever else is
    wrong the form comes back with it "already attached"; a slot already holding a kept
    file (``staged_N``) keeps it unless its "Remove" box (``remove_staged_N``) is ticked."""
    form = await request.form()
    storage: FileStorage = request.app.state.file_storage
    staged: dict[int, str] = {}
    refused: list[str] = []
    for slot in SLOTS:
        kept_id = str(form.get(f"staged_{slot}") or "")
        if kept_id:
            if not form.get(f"remove_staged_{slot}"):
                staged[slot] = kept_id
            continue
        item = form.get(f"attachment_{slot}")
        if isinstance(item, UploadFile) and (item.filename or item.size):
            upload = Upload(filename=item.filename, stream=item.file)
            kept = await keep_files(request, member, storage, [upload])
            if kept.ids:
                staged[slot] = kept.ids[0]
            refused.extend(kept.refused)
    return FormFiles(staged, refused)


def kept_attaching(
    request: Request, member: Member, choices: list[service.KeptChoice]
) -> service.KeptAttaching | None:
    if not choices:
        return None
    return service.KeptAttaching(holder=staged_upload_holder(request, member), choices=choices)


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
