"""The resource library as JSON, including multipart upload."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from app.errors import InvalidInput
from app.members.schemas import TopicOut
from app.resources import service
from app.resources.file_forms import Storage, file_response
from app.resources.models import Resource, ResourceType
from app.resources.schemas import (
    FIELD_LABELS,
    FileVersionOut,
    ResourceData,
    ResourceFileOut,
    ResourceOut,
    ResourcePage,
)
from app.resources.views import (
    resource_data_from,
)
from app.security.rate_limits import member_rate_limit
from app.uploads.forms import uploads_from
from app.web.deps import CurrentMember, DbSession
from app.web.forms import plain_field_errors
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_page_fields

router = APIRouter(prefix="/api/v1/resources", tags=["resources"])


def resource_out(resource: Resource, *, with_files: bool) -> ResourceOut:
    files = None
    if with_files:
        files = [
            ResourceFileOut(
                id=resource_file.id,
                name=resource_file.name,
                current=FileVersionOut.model_validate(resource_file.versions[0]),
                versions=[FileVersionOut.model_validate(v) for v in resource_file.versions],
                download_url=f"/api/v1/resources/{resource.id}/files/{resource_file.id}/download",
            )
            for resource_file in resource.files
            if resource_file.versions
        ]
    return ResourceOut(
        id=resource.id,
        title=resource.title,
        summary=resource.summary,
        type=resource.type,
        status=resource.status,
        topics=[TopicOut.model_validate(topic) for topic in resource.topics],
        audience=resource.audience,
        publication_year=resource.publication_year,
        authors=resource.authors,
        abstract=resource.abstract,
        doi=resource.doi,
        external_url=resource.external_url,
        licence_note=resource.licence_note,
        organisation=resource.organisation.name if resource.organisation else None,
        owner=resource.owner.display_name if resource.owner else None,
        group_id=resource.group_id,
        download_count=resource.download_count,
        created_at=resource.created_at,
        updated_at=resource.updated_at,
        files=files,
    )


@router.get("", response_model=ResourcePage, summary="Browse the library")
def list_resources(
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    type: ResourceType | None = None,
    topic: Annotated[str | None, Query(max_length=80)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    organisation_id: Annotated[str | None, Query(max_length=36)] = None,
    mine: bool = False,
    sort: Annotated[str, Query(pattern="^(newest|downloads|title)$")] = "newest",
) -> ResourcePage:
    resources, total, page = service.list_resources(
        db,
        viewer=member,
        resource_filter=service.ResourceFilter(
            type=type,
            topic_slug=topic,
            year=year,
            organisation_id=organisation_id,
            owner_id=member.id if mine else None,
        ),
        sort=sort,
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    return ResourcePage(
        **cursor_page_fields(page, total, PAGE_SIZE),
        resources=[resource_out(resource, with_files=False) for resource in resources],
    )


def _validated(values: dict[str, object]) -> ResourceData:
    try:
        return ResourceData.model_validate(values)
    except ValidationError as error:
        raise InvalidInput(plain_field_errors(error, FIELD_LABELS)) from None


@router.post(
    "",
    dependencies=[Depends(member_rate_limit("upload"))],
    response_model=ResourceOut,
    status_code=201,
    summary="Add a resource: multipart form with the metadata fields and one or more `files`",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "allOf": [
                            {"$ref": "#/components/schemas/ResourceData"},
                            {
                                "type": "object",
                                "properties": {
                                    "files": {
                                        "type": "array",
                                        "items": {"type": "string", "format": "binary"},
                                    }
                                },
                            },
                        ]
                    }
                }
            },
            "required": True,
        }
    },
)
async def create_resource(
    request: Request, db: DbSession, member: CurrentMember, storage: Storage
) -> ResourceOut:
    form = await request.form(max_files=service.MAX_FILES_PER_UPLOAD + 1)
    try:
        data = _validated(resource_data_from(form))
        resource = await run_in_threadpool(
            service.create_resource,
            db,
            storage=storage,
            actor=member,
            data=data,
            uploads=uploads_from(form),
            max_bytes=request.app.state.settings.max_upload_bytes,
        )
        loaded = await run_in_threadpool(
            service.get_resource, db, viewer=member, resource_id=resource.id
        )
    finally:
        await form.close()
    return resource_out(loaded, with_files=True)


@router.get("/{resource_id}", response_model=ResourceOut, summary="One resource with its files")
def read_resource(db: DbSession, member: CurrentMember, resource_id: str) -> ResourceOut:
    resource = service.get_resource(db, viewer=member, resource_id=resource_id)
    return resource_out(resource, with_files=True)


@router.put("/{resource_id}", response_model=ResourceOut, summary="Replace a resource's metadata")
def update_resource(
    db: DbSession, member: CurrentMember, resource_id: str, body: ResourceData
) -> ResourceOut:
    service.update_resource(db, actor=member, resource_id=resource_id, data=body)
    return resource_out(
        service.get_resource(db, viewer=member, resource_id=resource_id), with_files=True
    )


@router.post(
    "/{resource_id}/files",
    dependencies=[Depends(member_rate_limit("upload"))],
    response_model=ResourceOut,
    summary="Add files (multipart `files`), or a new version with `file_id` and `change_note`",
)
async def upload_files(
    request: Request, db: DbSession, member: CurrentMember, storage: Storage, resource_id: str
) -> ResourceOut:
    form = await request.form(max_files=service.MAX_FILES_PER_UPLOAD + 1)
    try:
        resource = await run_in_threadpool(
            service.add_files,
            db,
            storage=storage,
            actor=member,
            resource_id=resource_id,
            uploads=uploads_from(form),
            max_bytes=request.app.state.settings.max_upload_bytes,
            replaces_file_id=str(form.get("file_id") or "") or None,
            change_note=str(form.get("change_note") or ""),
        )
    finally:
        await form.close()
    return resource_out(resource, with_files=True)


@router.get(
    "/{resource_id}/files/{file_id}/download",
    response_class=FileResponse,
    summary="Download a file, or an earlier version with ?version=N",
)
def download_file(
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
    return file_response(found)


@router.delete("/{resource_id}", status_code=204, summary="Delete a resource (soft)")
def delete_resource(db: DbSession, member: CurrentMember, resource_id: str) -> Response:
    service.delete_resource(db, actor=member, resource_id=resource_id)
    return Response(status_code=204)


@router.post(
    "/{resource_id}/restore", response_model=ResourceOut, summary="Restore a deleted resource"
)
def restore_resource(db: DbSession, member: CurrentMember, resource_id: str) -> ResourceOut:
    service.restore_resource(db, actor=member, resource_id=resource_id)
    return resource_out(
        service.get_resource(db, viewer=member, resource_id=resource_id), with_files=True
    )
