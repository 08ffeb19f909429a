"""The privacy part of the JSON API: your export (the ZIP itself, or 202 and an export to
poll when the worker builds it), asking to close your account, and the admin's export and
erasure of a member. Errors come out as problem JSON (app/web/errors.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse, JSONResponse

from app.privacy import service
from app.privacy.erasure import ErasureChoices, erase_member
from app.privacy.models import DataExport
from app.privacy.schemas import ClosureIn, ClosureOut, ErasureIn, ErasureOut, ExportOut
from app.privacy.service import ExportRequest
from app.privacy.views import export_response
from app.web.deps import CurrentMember, DbSession, SettingsDep, require_admin

router = APIRouter(prefix="/api/v1", tags=["privacy"])
admin_router = APIRouter(
    prefix="/api/v1/admin", tags=["privacy"], dependencies=[Depends(require_admin)]
)

ZIP_OR_QUEUED = {
    200: {"content": {"application/zip": {}}, "description": "The ZIP archive of the data."},
    202: {"model": ExportOut, "description": "Large: the worker builds it; poll the export."},
}


def _out(export: DataExport) -> ExportOut:
    out = ExportOut.model_validate(export)
    if export.status == "ready":
        out.download_url = f"/api/v1/account/exports/{export.id}/download"
    return out


def _answer(request: Request, answer: ExportRequest) -> Response:
    if answer.queued is not None:
        return JSONResponse(_out(answer.queued).model_dump(mode="json"), status_code=202)
    return export_response(request, answer, "")


@router.post(
    "/account/exports",
    summary="Export your data: a ZIP, or 202 when the worker builds it",
    responses=ZIP_OR_QUEUED,  # type: ignore[arg-type]
)
def export_own_data(
    request: Request, db: DbSession, member: CurrentMember, settings: SettingsDep
) -> Response:
    answer = service.request_export(
        db,
        actor=member,
        member_id=member.id,
        storage=request.app.state.file_storage,
        settings=settings,
    )
    return _answer(request, answer)


@router.get("/account/exports", response_model=list[ExportOut], summary="Exports built for you")
def list_own_exports(db: DbSession, member: CurrentMember) -> list[ExportOut]:
    return [_out(e) for e in service.list_exports(db, actor=member, member_id=member.id)]


@router.get(
    "/account/exports/{export_id}/download",
    response_class=FileResponse,
    summary="Download an export the worker built",
)
def download_export(
    db: DbSession, member: CurrentMember, settings: SettingsDep, export_id: str
) -> FileResponse:
    export, path = service.export_download(db, actor=member, export_id=export_id, settings=settings)
    return FileResponse(
        path, media_type="application/zip", filename=f"portal-data-{export.id[:8]}.zip"
    )


@router.post(
    "/account/closure",
    response_model=ClosureOut,
    status_code=201,
    summary="Ask the admins to close your account",
)
def ask_to_close(db: DbSession, member: CurrentMember, data: ClosureIn) -> ClosureOut:
    request = service.request_closure(db, actor=member, reason=data.reason)
    return ClosureOut.model_validate(request)


@admin_router.post(
    "/members/{member_id}/exports",
    summary="Export a member's data on their behalf (audited)",
    responses=ZIP_OR_QUEUED,  # type: ignore[arg-type]
)
def export_member_data(
    request: Request, db: DbSession, member: CurrentMember, settings: SettingsDep, member_id: str
) -> Response:
    answer = service.request_export(
        db,
        actor=member,
        member_id=member_id,
        storage=request.app.state.file_storage,
        settings=settings,
    )
    return _answer(request, answer)


@admin_router.post(
    "/members/{member_id}/erasure",
    response_model=ErasureOut,
    summary="Erase a member (cannot be undone)",
)
def erase(
    db: DbSession, member: CurrentMember, settings: SettingsDep, member_id: str, data: ErasureIn
) -> ErasureOut:
    erasure = erase_member(
        db,
        actor=member,
        member_id=member_id,
        choices=ErasureChoices(
            remove_content=data.remove_content,
            resources=data.resources,
            reason=data.reason.strip() or None,
        ),
        reminder_hours=settings.event_reminder_hours,
        exports_dir=settings.data_dir / "exports",
    )
    return ErasureOut.model_validate(erasure)
