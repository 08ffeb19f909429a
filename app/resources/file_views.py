"""A resource's files on its page: a new version of a file or another file (the chosen
file and the note kept across an error), renaming and removing a file (kept as history),
and downloading any version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from app.cpd import service as cpd
from app.errors import InvalidAction, InvalidInput
from app.resources import service
from app.resources.file_forms import Storage, file_response
from app.resources.views import (
    detail_page,
)
from app.security.rate_limits import member_rate_limit
from app.uploads.forms import attached_files, keep_chosen_files
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash

router = APIRouter(prefix="/resources", tags=["resources"])


def _upload_field_ids(file_id: str | None) -> dict[str, str]:
    prefix = f"version-{file_id}" if file_id else "add"
    return {"files": f"{prefix}-file", "change_note": f"{prefix}-note"}


@router.post(
    "/{resource_id}/files",
    summary="Add files, or a new version of one file",
    dependencies=[Depends(member_rate_limit("upload"))],
)
async def upload_files(
    request: Request, db: DbSession, member: CurrentMember, storage: Storage, resource_id: str
) -> Response:
    """A new version (``file_id`` and a ``change_note``) or new files. On an error the page
    comes back with the note as typed and the chosen file still attached."""
    form = await request.form(max_files=service.MAX_FILES_PER_UPLOAD + 1)
    try:
        kept = await keep_chosen_files(request, member, storage, form)
    finally:
        await form.close()
    file_id = str(form.get("file_id") or "") or None
    note = str(form.get("change_note") or "")
    staged = await attached_files(request, db, member, form, kept)
    try:
        if kept.refused:
            refused = {"files": " ".join(kept.refused)}
            if file_id and not note.strip():
                refused["change_note"] = "Say what changed in this version"
            raise InvalidInput(refused)
        await run_in_threadpool(
            service.add_files,
            db,
            storage=storage,
            actor=member,
            resource_id=resource_id,
            uploads=[],
            staged=staged,
            max_bytes=request.app.state.settings.max_upload_bytes,
            replaces_file_id=file_id,
            change_note=note,
        )
    except InvalidInput as error:
        resource = await run_in_threadpool(
            service.get_resource, db, viewer=member, resource_id=resource_id
        )
        field_ids = _upload_field_ids(file_id)
        return detail_page(
            request,
            db,
            member,
            resource,
            errors={field_ids.get(key, key): message for key, message in error.errors.items()},
            upload={"file_id": file_id or "", "note": note, "staged": staged},
            status_code=422,
        )
    response = RedirectResponse(f"/resources/{resource_id}", status_code=303)
    flash(
        request,
        response,
        "The new version is saved. Its text is being read for search."
        if file_id
        else "The upload is saved. Its text is being read for search.",
    )
    return response


@router.post("/{resource_id}/files/{file_id}/rename", summary="Rename a file")
async def rename_file(
    request: Request, db: DbSession, member: CurrentMember, resource_id: str, file_id: str
) -> Response:
    form = await request.form(max_files=0)
    name = str(form.get("name") or "")
    try:
        renamed = await run_in_threadpool(
            service.rename_file,
            db,
            actor=member,
            resource_id=resource_id,
            file_id=file_id,
            name=name,
        )
    except InvalidInput as error:
        resource = await run_in_threadpool(
            service.get_resource, db, viewer=member, resource_id=resource_id
        )
        return detail_page(
            request,
            db,
            member,
            resource,
            errors={f"rename-{file_id}-name": error.errors["name"]},
            upload={"rename_file_id": file_id, "name": name},
            status_code=422,
        )
    response = RedirectResponse(f"/resources/{resource_id}", status_code=303)
    flash(request, response, f"The file is now called {renamed.name}.")
    return response


@router.post("/{resource_id}/files/{file_id}/remove", summary="Remove a file (kept as history)")
def remove_file(
    request: Request, db: DbSession, member: CurrentMember, resource_id: str, file_id: str
) -> Response:
    try:
        removed = service.remove_file(db, actor=member, resource_id=resource_id, file_id=file_id)
    except InvalidAction as error:
        response = RedirectResponse(f"/resources/{resource_id}", status_code=303)
        flash(request, response, str(error), "error")
        return response
    response = RedirectResponse(f"/resources/{resource_id}#removed-files", status_code=303)
    flash(
        request,
        response,
        f"{removed.name} is removed. It and its versions stay under “Removed files”.",
    )
    return response


@router.get(
    "/{resource_id}/files/{file_id}/download", summary="Download a file (or an earlier version)"
)
def download(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    storage: Storage,
    resource_id: str,
    file_id: str,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    found = service.download(
        db,
        storage=storage,
        viewer=member,
        resource_id=resource_id,
        file_id=file_id,
        version_number=version,
    )
    response = file_response(found)
    # the CPD reading suggestion's signal, written after the answer in its own transaction
    response.background = BackgroundTask(
        cpd.record_resource_use,
        request.app.state.session_factory,
        resource_id=resource_id,
        member_id=member.id,
    )
    return response
