"""What the resource pages share about files: the file store, a download's answer, the files
a form carries, and the files kept for a form shown again (its uploader's session only)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from app.db import transaction
from app.members.models import Member
from app.policy.resources import StagedUploadHolder
from app.resources import service
from app.resources.models import StagedUpload
from app.resources.storage import FileStorage
from app.web.deps import DbSession, NotSignedIn


def file_storage(request: Request) -> FileStorage:
    return request.app.state.file_storage


Storage = Annotated[FileStorage, Depends(file_storage)]


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    fallback = "".join(ch if ch.isascii() and ch not in '"\\' else "_" for ch in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def file_response(found: service.Download) -> FileResponse:
    """A stored file, streamed from disk, as an attachment under its safe original name."""
    return FileResponse(
        found.path,
        media_type=found.content_type,
        headers={
            "Content-Disposition": content_disposition(found.filename),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def uploads_from(form: FormData, field: str = "files") -> list[service.Upload]:
    return [
        service.Upload(filename=item.filename, stream=item.file)
        for item in form.getlist(field)
        if isinstance(item, UploadFile) and (item.filename or item.size)
    ]


def staged_upload_holder(request: Request, member: Member) -> StagedUploadHolder:
    web_session = request.state.web_session
    if web_session is None:
        raise NotSignedIn("Sign in to upload files.")
    return StagedUploadHolder(member_id=member.id, session_hash=web_session.token_hash)


async def keep_chosen_files(
    request: Request, member: Member, storage: FileStorage, form: FormData
) -> service.KeptUploads:
    """Keep the files chosen on this form before anything else is checked, in their own
    transaction: the request's unit of work rolls back on the 422 that shows the form's
    errors, and the files must outlive it (app/resources/service/staging.py)."""
    uploads = uploads_from(form)
    if not uploads:
        return service.KeptUploads()
    holder = staged_upload_holder(request, member)
    max_bytes = request.app.state.settings.max_upload_bytes

    def keep() -> service.KeptUploads:
        with transaction(request.app.state.session_factory) as own:
            return service.keep_uploads(
                own, storage=storage, holder=holder, uploads=uploads, max_bytes=max_bytes
            )

    return await run_in_threadpool(keep)


async def attached_files(
    request: Request, db: DbSession, member: Member, form: FormData, kept: service.KeptUploads
) -> list[StagedUpload]:
    """The files this form already holds: kept earlier (ticked ``staged`` boxes) and now."""
    ids = [str(value) for value in form.getlist("staged")] + kept.ids
    return await run_in_threadpool(
        service.staged_uploads, db, holder=staged_upload_holder(request, member), ids=ids
    )
