"""Resource library pages: browse, read, add (with files kept across errors and drafts),
edit, delete and restore. A resource's files (new versions, rename, remove, download) are
in file_views.py; what the pages share about files is in file_forms.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from app.cpd import service as cpd
from app.cpd.models import LinkedItem
from app.db import new_id
from app.drafts import service as drafts
from app.drafts.models import DraftKind
from app.drafts.views import save_after_answer
from app.errors import InvalidAction, InvalidInput
from app.groups.service import group_choices, group_names
from app.guard.forms import form_refusal_context, refusal_status
from app.guard.schemas import guard_choice_from
from app.guard.service import PassagesFound
from app.keyset import Cursor
from app.members.models import Member
from app.policy.resources import (
    may_change_resource,
    may_restore_resource,
    may_see_guard_findings,
)
from app.resources import service
from app.resources.file_forms import Storage
from app.resources.models import Resource, ResourceType
from app.resources.schemas import FIELD_LABELS, ResourceData
from app.security.rate_limits import member_rate_limit
from app.uploads.forms import attached_files, keep_chosen_files, staged_upload_holder
from app.uploads.models import StagedUpload
from app.uploads.staging import staged_uploads
from app.web.confirmation import Confirmation, Confirmed, confirmation_page, is_confirmed
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.forms import plain_field_errors
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_pager
from app.web.reference_data import organisation_list, topic_choices
from app.web.templating import render

router = APIRouter(prefix="/resources", tags=["resources"])
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


def resource_data_from(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: form.get(name) for name in FORM_FIELDS if name in form}
    values["topics"] = [str(slug) for slug in form.getlist("topics")]
    values.update(guard_choice_from(form))
    return values


GUARDED_FIELDS = {"title": "title", "summary": "summary", "abstract": "abstract"}


def _choose_filter(value: str | None, choices: type[ResourceType]) -> ResourceType | None:
    try:
        return choices(value) if value else None
    except ValueError:
        return None


def _list_page(
    request: Request,
    db: DbSession,
    member: Member,
    cursor: Cursor | None,
    *,
    heading: str,
    resource_filter: service.ResourceFilter,
    sort: str,
    filters: dict[str, str | None],
) -> Response:
    resources, total, page = service.list_resources(
        db,
        viewer=member,
        resource_filter=resource_filter,
        sort=sort,
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    return render(
        request,
        "resources/list.html",
        {
            "heading": heading,
            "resources": resources,
            "total": total,
            "pager": cursor_pager(page, {**filters, "sort": sort}),
            "filters": filters,
            "sort": sort,
            "types": list(ResourceType),
            "topics": topic_choices(request, db),
            "organisations": organisation_list(request, db),
            "years": service.publication_years(db, viewer=member),
            "mine": resource_filter.owner_id is not None,
            "group_names": group_names(
                db, viewer=member, group_ids=[resource.group_id for resource in resources]
            ),
        },
    )


@router.get("", summary="Browse the resource library")
def browse(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
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
        cursor,
        heading="Resources",
        resource_filter=resource_filter,
        sort=sort if sort in service.SORTS else "newest",
        filters=filters,
    )


@router.get("/mine", summary="Resources you added")
def mine(request: Request, db: DbSession, member: CurrentMember, cursor: ListCursor) -> Response:
    return _list_page(
        request,
        db,
        member,
        cursor,
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
    staged: list[StagedUpload] | None = None,
    draft_id: str | None = None,
    note: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "resources/form.html",
        {
            "draft_id": draft_id or "",
            "draft_note": note,
            "resource": resource,
            "values": values,
            "errors": errors or {},
            **form_refusal_context(refusal, values, GUARDED_FIELDS),
            "types": list(ResourceType),
            "topics": topic_choices(request, db),
            "organisations": organisation_list(request, db),
            "groups": group_choices(db, member=request.state.member),
            "staged": staged or [],
        },
        status_code=status_code,
    )


@router.get("/new", summary="Form to add a resource")
def new_resource(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    group: Annotated[str | None, Query(max_length=36)] = None,
    draft: Annotated[str | None, Query(max_length=36)] = None,
) -> Response:
    """From a group's page (``?group=``) the resource is for that group's members unless
    the member chooses otherwise, as a group event is. ``?draft=`` continues a draft."""
    values: dict[str, Any] = {"organisation_id": member.organisation_id, "topics": []}
    if group and group in {choice.id for choice in group_choices(db, member=member)}:
        values["group_id"] = group
    if draft is None:
        return _form_page(request, db, resource=None, values=values)
    saved = drafts.get_draft(db, viewer=member, draft_id=draft)
    staged_ids = [str(item) for item in saved.fields.get("staged", [])]
    staged = staged_uploads(db, holder=staged_upload_holder(request, member), ids=staged_ids)
    note = ""
    if len(staged) < len(staged_ids):
        note = (
            "Choose your files again: a chosen file is kept only in the session that "
            "chose it, for a day."
        )
    return _form_page(
        request,
        db,
        resource=None,
        values={**values, **{k: v for k, v in saved.fields.items() if k != "staged"}},
        staged=staged,
        draft_id=saved.id,
        note=note,
    )


def _draft_fields(values: dict[str, Any], staged: list[StagedUpload]) -> dict[str, Any]:
    fields = {k: v for k, v in values.items() if k not in ("post_anyway", "guard_reason")}
    return {**fields, "staged": [item.id for item in staged]}


def _saved_after_answer(
    request: Request,
    member: Member,
    response: Response,
    fields: dict[str, Any],
    draft_id: str,
) -> Response:
    return save_after_answer(
        request, member, response, kind=DraftKind.RESOURCE, fields=fields, draft_id=draft_id
    )


@router.post("/draft", summary="Save the resource being written as a draft (in the background)")
async def save_resource_draft(request: Request, db: DbSession, member: CurrentMember) -> Response:
    """What the form's background save (htmx, every 30 seconds and on each change) calls;
    answers the status line and the draft's id for the form."""
    form = await request.form(max_files=0)
    values = resource_data_from(form)
    staged = staged_uploads(
        db,
        holder=staged_upload_holder(request, member),
        ids=[str(v) for v in form.getlist("staged")],
    )
    draft = drafts.save_draft(
        db,
        actor=member,
        kind=DraftKind.RESOURCE,
        fields=_draft_fields(values, staged),
        draft_id=str(form.get("draft_id") or "") or None,
        in_background=True,
    )
    return render(
        request,
        "drafts/_saved.html",
        {"draft": draft},
    )


@router.post(
    "",
    summary="Add a resource with its files",
    dependencies=[Depends(member_rate_limit("upload"))],
)
async def create(
    request: Request, db: DbSession, member: CurrentMember, storage: Storage
) -> Response:
    """Every problem is reported at once, and the chosen files stay attached (kept as
    staged uploads) whatever else is wrong."""
    form = await request.form(max_files=service.MAX_FILES_PER_UPLOAD + 1)
    try:
        values = resource_data_from(form)
        kept = await keep_chosen_files(request, member, storage, form)
    finally:
        await form.close()
    staged = await attached_files(request, db, member, form, kept)
    errors: dict[str, str] = {}
    data: ResourceData | None = None
    try:
        data = ResourceData.model_validate(values)
    except ValidationError as error:
        errors.update(plain_field_errors(error, FIELD_LABELS))
    files_error = " ".join(kept.refused) or service.files_problem(
        len(staged), str(values.get("external_url") or "").strip() or None
    )
    if files_error:
        errors["files"] = files_error
    draft_id = str(form.get("draft_id") or "") or new_id()
    draft_fields = _draft_fields(values, staged)
    if data is None or errors:
        refused = _form_page(
            request,
            db,
            resource=None,
            values=values,
            errors=errors,
            staged=staged,
            draft_id=draft_id,
            status_code=422,
        )
        return _saved_after_answer(request, member, refused, draft_fields, draft_id)
    try:
        resource = await run_in_threadpool(
            service.create_resource,
            db,
            storage=storage,
            actor=member,
            data=data,
            uploads=[],
            staged=staged,
            max_bytes=request.app.state.settings.max_upload_bytes,
        )
    except InvalidInput as error:
        refused = _form_page(
            request,
            db,
            resource=None,
            values=values,
            errors=error.errors,
            staged=staged,
            draft_id=draft_id,
            status_code=422,
        )
        return _saved_after_answer(request, member, refused, draft_fields, draft_id)
    except PassagesFound as found:
        refused = _form_page(
            request,
            db,
            resource=None,
            values=values,
            refusal=found,
            staged=staged,
            draft_id=draft_id,
            status_code=refusal_status(found),
        )
        return _saved_after_answer(request, member, refused, draft_fields, draft_id)
    await run_in_threadpool(drafts.discard_draft, db, actor=member, draft_id=draft_id)
    response = RedirectResponse(f"/resources/{resource.id}", status_code=303)
    flash(request, response, f"“{resource.title}” is in the library.")
    return response


def detail_page(
    request: Request,
    db: DbSession,
    member: Member,
    resource: Resource,
    *,
    errors: dict[str, str] | None = None,
    upload: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """``errors`` are keyed by the id of the field they belong to (each file has its own
    forms); ``upload`` is what the upload form that failed held: which file, the note and
    the files kept."""
    return render(
        request,
        "resources/detail.html",
        {
            "resource": resource,
            "related": service.related_resources(db, viewer=member, resource=resource),
            "may_change": may_change_resource(member, resource),
            "may_restore": may_restore_resource(member, resource),
            "may_see_guard_findings": may_see_guard_findings(member, resource),
            "group_names": group_names(db, viewer=member, group_ids=[resource.group_id]),
            "errors": errors or {},
            "upload": upload or {},
            "cpd_suggestion": cpd.suggestion_for_item(
                db, member=member, item_type=LinkedItem.RESOURCE, item_id=resource.id
            ),
        },
        status_code=status_code,
    )


@router.get("/{resource_id}", summary="A resource, its files and versions")
def read(request: Request, db: DbSession, member: CurrentMember, resource_id: str) -> Response:
    resource = service.get_resource(db, viewer=member, resource_id=resource_id)
    return detail_page(request, db, member, resource)


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
        errors = (
            plain_field_errors(error, FIELD_LABELS)
            if isinstance(error, ValidationError)
            else error.errors
        )
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


@router.post("/{resource_id}/delete", summary="Delete a resource (admins can restore it)")
def delete(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    resource_id: str,
    confirmed: Confirmed = None,
) -> Response:
    if not is_confirmed(confirmed):
        doomed = service.resource_to_delete(db, actor=member, resource_id=resource_id)
        return confirmation_page(
            request,
            Confirmation(
                question=f"Delete the resource “{doomed.title}”?",
                consequence="Members will no longer find it or download its files. "
                "An admin can restore it.",
                action=f"/resources/{resource_id}/delete",
                confirm_label="Yes, delete the resource",
                back_href=f"/resources/{resource_id}",
            ),
        )
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
