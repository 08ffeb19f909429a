"""What a form that takes files does with them: keep each chosen file the moment it
arrives, for its uploader's session only, and find the files the form already holds."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from app.db import transaction
from app.members.models import Member
from app.policy.uploads import StagedUploadHolder
from app.resources.service.uploads import Upload
from app.resources.storage import FileStorage
from app.uploads.models import StagedUpload
from app.uploads.staging import KeptUploads, keep_uploads, staged_uploads
from app.web.deps import NotSignedIn


def uploads_from(form: FormData, field: str = "files") -> list[Upload]:
    return [
        Upload(filename=item.filename, stream=item.file)
        for item in form.getlist(field)
        if isinstance(item, UploadFile) and (item.filename or item.size)
    ]


def staged_upload_holder(request: Request, member: Member) -> StagedUploadHolder:
    web_session = request.state.web_session
    if web_session is None:
        raise NotSignedIn("Sign in to upload files.")
    return StagedUploadHolder(member_id=member.id, session_hash=web_session.token_hash)


async def keep_files(
    request: Request, member: Member, storage: FileStorage, uploads: list[Upload]
) -> KeptUploads:
    """Keep ``uploads`` before anything else on the form is checked, in their own
    transaction: the request's unit of work rolls back on the 422 that shows the form's
    errors, and the files must outlive it (app/uploads/staging.py)."""
    if not uploads:
        return KeptUploads()
    holder = staged_upload_holder(request, member)
    max_bytes = request.app.state.settings.max_upload_bytes

    def keep() -> KeptUploads:
        with transaction(request.app.state.session_factory) as own:
            return keep_uploads(
                own, storage=storage, holder=holder, uploads=uploads, max_bytes=max_bytes
            )

    return await run_in_threadpool(keep)


async def keep_chosen_files(
    request: Request, member: Member, storage: FileStorage, form: FormData
) -> KeptUploads:
    """The files chosen in the form's ``files`` input, kept (see ``keep_files``)."""
    return await keep_files(request, member, storage, uploads_from(form))


async def attached_files(
    request: Request, db: Session, member: Member, form: FormData, kept: KeptUploads
) -> list[StagedUpload]:
    """The files this form already holds: kept earlier (ticked ``staged`` boxes) and now."""
    ids = [str(value) for value in form.getlist("staged")] + kept.ids
    return await run_in_threadpool(
        staged_uploads, db, holder=staged_upload_holder(request, member), ids=ids
    )
