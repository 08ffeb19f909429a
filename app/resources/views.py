"""Resource library pages: browse, read, add, edit, upload versions, download, delete."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from app.errors import InvalidAction, InvalidInput
from app.groups.service import group_choices
from app.guard.forms import form_refusal_context, refusal_status
from app.guard.schemas import guard_choice_from
from app.guard.service import PassagesFound
from app.members.models import Member
from app.members.profiles import all_topics, organisation_choices
from app.policy.resources import (
    may_change_resource,
    may_restore_resource,
    may_see_guard_findings,
)
from app.resources import service
from app.resources.models import Resource, ResourceType
from app.resources.schemas import ResourceData
from app.resources.storage import FileStorage
from app.security.rate_limits import member_rate_limit
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.forms import field_errors
from app.web.pagination import PageRequest, page_request, paginate
from app.web.templating import render

router = APIRouter(prefix="/resources", tags=["resources"])
Page = Annotated[PageRequest, Depends(page_request)]
FORM_FIELDS = (
    "title",
    "summary",
    "type",
    "audience",
    "publication_year",
    "authors",
    "abstract",
    "doi",
    "external_url",
    "licence_note",
    "organisation_id",
    "group_id",
)


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


def resource_data_from(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: form.get(name) for name in FORM_FIELDS if name in form}
    values["topics"] = [str(slug) for slug in form.getlist("topics")]
    values.update(guard_choice_from(form))
    return values


GUARDED_FIELDS = {"title": "title", "summary": "summary", "abstract": "abstract"}


def uploads_from(form: FormData, field: str = "files") -> list[service.Upload]:
    return [
        service.Upload(filename=item.filename, stream=item.file)
        for item in form.getlist(field)
        if isinstance(item, UploadFile) and (item.filename or item.size)
    ]


def _choose_filter(value: str | None, choices: type[ResourceType]) -> ResourceType | None:
    try:
        return choices(value) if value else None
    except ValueError:
        return None


def _list_page(
    request: Request,
    db: DbSession,
    member: Member,
    page: PageRequest,
    *,
    heading: str,
    resource_filter: service.ResourceFilter,
    sort: str,
    filters: dict[str, str | None],
) -> Response:
    resources, total = service.list_resources(
        db,
        viewer=member,
        resource_filter=resource_filter,
        sort=sort,
        offset=page.offset,
        limit=page.size,
    )
    return render(
        request,
        "resources/list.html",
        {
            "heading": heading,
            "resources": resources,
            "total": total,
            "pager": paginate(page, total, {**filters, "sort": sort}),
            "filters": filters,
            "sort": sort,
            "types": list(ResourceType),
            "topics": all_topics(db),
            "organisations": organisation_choices(db),
            "years": service.publication_years(db, viewer=member),
            "mine": resource_filter.owner_id is not None,
        },
    )


@router.get("", summary="Browse the resource library")
def browse(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    page: Page,
    type: Annotated[str | None, Query()] = None,
    topic: Annotated[str | None, Query(max_length=80)] = None,
    year: Annotated[str | None, Query(max_length=4)] = None,
    organisation: Annotated[str | None, Query(max_length=36)] = None,
    sort: Annotated[str, Query(max_length=20)] = "newest",
) -> Response:
    resource_filter = service.ResourceFilter(
        type=_choose_filter(type, ResourceType),
        topic_slug=topic or None,
        year=int(year) if year and year.isdigit() else None,
        organisation_id=organisation or None,
    )
    filters = {"type": type, "topic": topic, "year": year, "organisation": organisation}
    return _list_page(
        request,
        db,
        member,
        page,
        heading="Resources",
        resource_filter=resource_filter,
        sort=sort if sort in service.SORTS else "newest",
        filters=filters,
    )


@router.get("/mine", summary="Resources you added")
def mine(request: Request, db: DbSession, member: CurrentMember, page: Page) -> Response:
    return _list_page(
        request,
        db,
        member,
        page,
        heading="Your resources",
        resource_filter=service.ResourceFilter(owner_id=member.id),
        sort="newest",
        filters={},
    )


def _form_page(
    request: Request,
    db: DbSession,
    *,
    resource: Resource | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    refusal: PassagesFound | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "resources/form.html",
        {
            "resource": resource,
            "values": values,
            "errors": errors or {},
            **form_refusal_context(refusal, values, GUARDED_FIELDS),
            "types": list(ResourceType),
            "topics": all_topics(db),
            "organisations": organisation_choices(db),
            "groups": group_choices(db, member=request.state.member),
        },
        status_code=status_code,
    )


@router.get("/new", summary="Form to add a resource")
def new_resource(request: Request, db: DbSession, member: CurrentMember) -> Response:
    return _form_page(
        request,
        db,
        resource=None,
        values={"organisation_id": member.organisation_id, "topics": []},
    )


@router.post(
    "",
    summary="Add a resource with its files",
    dependencies=[Depends(member_rate_limit("upload"))],
)
async def create(
    request: Request, db: DbSession, member: CurrentMember, storage: Storage
) -> Response:
    form = await request.form(max_files=service.MAX_FILES_PER_UPLOAD + 1)
    values = resource_data_from(form)
    try:
        data = ResourceData.model_validate(values)
        resource = await run_in_threadpool(
            service.create_resource,
            db,
            storage=storage,
            actor=member,
            data=data,
            uploads=uploads_from(form),
            max_bytes=request.app.state.settings.max_upload_bytes,
        )
    except ValidationError as error:
        return _form_page(
            request,
            db,
            resource=None,
            values=values,
            errors=field_errors(error),
            status_code=422,
        )
    except InvalidInput as error:
        return _form_page(
            request, db, resource=None, values=values, errors=error.errors, status_code=422
        )
    except PassagesFound as found:
        return _form_page(
            request,
            db,
            resource=None,
            values=values,
            refusal=found,
            status_code=refusal_status(found),
        )
    finally:
        await form.close()
    response = RedirectResponse(f"/resources/{resource.id}", status_code=303)
    flash(request, response, f"“{resource.title}” is in the library.")
    return response


@router.get("/{resource_id}", summary="A resource, its files and versions")
def read(request: Request, db: DbSession, member: CurrentMember, resource_id: str) -> Response:
    resource = service.get_resource(db, viewer=member, resource_id=resource_id)
    return render(
        request,
        "resources/detail.html",
        {
            "resource": resource,
            "related": service.related_resources(db, viewer=member, resource=resource),
            "may_change": may_change_resource(member, resource),
            "may_restore": may_restore_resource(member, resource),
            "may_see_guard_findings": may_see_guard_findings(member, resource),
            "errors": {},
        },
    )


@router.get("/{resource_id}/edit", summary="Form to change a resource")
def edit_form(request: Request, db: DbSession, member: CurrentMember, resource_id: str) -> Response:
    resource = service.get_resource(db, viewer=member, resource_id=resource_id)
    values = {name: getattr(resource, name) for name in FORM_FIELDS}
    values["type"] = resource.type.value
    values["topics"] = [topic.slug for topic in resource.topics]
    return _form_page(request, db, resource=resource, values=values)


@router.post("/{resource_id}/edit", summary="Save changes to a resource")
async def edit(
    request: Request, db: DbSession, member: CurrentMember, resource_id: str
) -> Response:
    form = await request.form(max_files=0)
    values = resource_data_from(form)
    try:
        data = ResourceData.model_validate(values)
        resource = await run_in_threadpool(
            service.update_resource, db, actor=member, resource_id=resource_id, data=data
        )
    except (ValidationError, InvalidInput) as error:
        errors = field_errors(error) if isinstance(error, ValidationError) else error.errors
        resource = await run_in_threadpool(
            service.get_resource, db, viewer=member, resource_id=resource_id
        )
        return _form_page(
            request, db, resource=resource, values=values, errors=errors, status_code=422
        )
    except PassagesFound as found:
        resource = await run_in_threadpool(
            service.get_resource, db, viewer=member, resource_id=resource_id
        )
        return _form_page(
            request,
            db,
            resource=resource,
            values=values,
            refusal=found,
            status_code=refusal_status(found),
        )
    response = RedirectResponse(f"/resources/{resource.id}", status_code=303)
    flash(request, response, "Your changes are saved.")
    return response


@router.post(
    "/{resource_id}/files",
    summary="Add files or a new version of one file",
    dependencies=[Depends(member_rate_limit("upload"))],
)
async def upload_files(
    request: Request, db: DbSession, member: CurrentMember, storage: Storage, resource_id: str
) -> Response:
    form = await request.form(max_files=service.MAX_FILES_PER_UPLOAD + 1)
    try:
        await run_in_threadpool(
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
    except InvalidInput as error:
        resource = service.get_resource(db, viewer=member, resource_id=resource_id)
        return render(
            request,
            "resources/detail.html",
            {
                "resource": resource,
                "related": service.related_resources(db, viewer=member, resource=resource),
                "may_change": True,
                "may_restore": may_restore_resource(member, resource),
                "errors": error.errors,
            },
            status_code=422,
        )
    finally:
        await form.close()
    response = RedirectResponse(f"/resources/{resource_id}", status_code=303)
    flash(request, response, "The upload is saved. Its text is being read for search.")
    return response


@router.get(
    "/{resource_id}/files/{file_id}/download", summary="Download a file (or an earlier version)"
)
def download(
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


@router.post("/{resource_id}/delete", summary="Delete a resource (admins can restore it)")
def delete(request: Request, db: DbSession, member: CurrentMember, resource_id: str) -> Response:
    resource = service.delete_resource(db, actor=member, resource_id=resource_id)
    response = RedirectResponse("/resources/mine", status_code=303)
    flash(request, response, f"“{resource.title}” is deleted. An admin can restore it.")
    return response


@router.post("/{resource_id}/restore", summary="Restore a deleted resource (admins)")
def restore(request: Request, db: DbSession, member: CurrentMember, resource_id: str) -> Response:
    try:
        resource = service.restore_resource(db, actor=member, resource_id=resource_id)
    except InvalidAction as error:
        response = RedirectResponse(f"/resources/{resource_id}", status_code=303)
        flash(request, response, str(error), "error")
        return response
    response = RedirectResponse(f"/resources/{resource.id}", status_code=303)
    flash(request, response, f"“{resource.title}” is restored.")
    return response
