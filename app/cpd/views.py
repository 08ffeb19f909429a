"""My CPD: the year at a glance with suggestions, entries and their forms, inviting a
colleague to reflect, the colleague's invitation page, and the year's exports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.cpd import clock, service
from app.cpd.models import CpdKind
from app.cpd.schemas import CpdEntryData, InvitationData, NoteData
from app.errors import InvalidAction, InvalidInput, NotFound
from app.guard.forms import form_refusal_context, refusal_status
from app.guard.schemas import guard_choice_from
from app.guard.service import PassagesFound
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.forms import field_errors
from app.web.templating import render

router = APIRouter(prefix="/cpd", tags=["cpd"])
ENTRY_FIELDS = ("title", "happened_on", "kind", "hours", "learning", "impact")
LINK_FIELDS = ("item_type", "item_id")


def _errors_of(error: ValidationError | InvalidInput) -> dict[str, str]:
    return field_errors(error) if isinstance(error, ValidationError) else error.errors


def _year_from(year: int | None) -> clock.RegistrationYear:
    if year is None:
        return clock.current_registration_year()
    return clock.registration_year_starting(year)


def _redirect(request: Request, path: str, message: str, kind: str = "success") -> Response:
    response = RedirectResponse(path, status_code=303)
    flash(request, response, message, kind)  # type: ignore[arg-type]
    return response


@router.get("", summary="My CPD: the registration year at a glance")
def my_cpd(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    shown = _year_from(year)
    current = clock.current_registration_year()
    views = service.entries_of_year(db, member=member, year=shown)
    return render(
        request,
        "cpd/index.html",
        {
            "year": shown,
            "is_current": shown == current,
            "previous_year": shown.previous(),
            "next_year": clock.registration_year_starting(shown.starts_on.year + 1)
            if shown != current
            else None,
            "views": views,
            "progress": service.progress_of(shown, views),
            "suggestions": service.suggestions_for(db, member=member) if shown == current else [],
            "invitations": service.open_invitations(db, viewer=member),
        },
    )


def _entry_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: form.get(name) for name in ENTRY_FIELDS if name in form}
    values["record"] = form.get("record") == "1"
    values.update(guard_choice_from(form))
    return values


def _form_page(
    request: Request,
    *,
    entry_id: str | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    refusal: PassagesFound | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "cpd/form.html",
        {
            "entry_id": entry_id,
            "values": values,
            "errors": errors or {},
            "kinds": list(CpdKind),
            **form_refusal_context(refusal, values, service.GUARDED_FIELDS),
        },
        status_code=status_code,
    )


@router.get("/new", summary="Form to write a CPD entry (pre-filled from a suggestion)")
def new_entry(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    from_: Annotated[str | None, Query(alias="from", max_length=50)] = None,
) -> Response:
    values: dict[str, Any] = {
        "happened_on": clock.london_today().isoformat(),
        "kind": CpdKind.OTHER.value,
    }
    item = service.parse_item(from_)
    suggestion = (
        service.suggestion_for_item(db, member=member, item_type=item[0], item_id=item[1])
        if item
        else None
    )
    if suggestion is not None:
        values.update(
            title=suggestion.entry_title,
            happened_on=suggestion.happened_on.isoformat(),
            kind=suggestion.kind.value,
            hours=suggestion.hours,
            item_type=suggestion.item_type.value,
            item_id=suggestion.item_id,
        )
    return _form_page(request, entry_id=None, values=values)


@router.post("", summary="Save a CPD entry (a draft, or recorded)")
async def create_entry(request: Request, db: DbSession, member: CurrentMember) -> Response:
    form = await request.form()
    values = _entry_values(form)
    values.update({name: form.get(name) for name in LINK_FIELDS if form.get(name)})
    try:
        entry = service.create_entry(db, actor=member, data=CpdEntryData.model_validate(values))
    except (ValidationError, InvalidInput) as error:
        return _form_page(
            request, entry_id=None, values=values, errors=_errors_of(error), status_code=422
        )
    except PassagesFound as found:
        return _form_page(
            request,
            entry_id=None,
            values=values,
            refusal=found,
            status_code=refusal_status(found),
        )
    saved = "recorded" if values["record"] else "saved as a draft"
    return _redirect(request, f"/cpd/{entry.id}", f"Your CPD entry is {saved}.")


@router.post("/suggestions/dismiss", summary="Do not suggest this item for CPD again")
async def dismiss_suggestion(request: Request, db: DbSession, member: CurrentMember) -> Response:
    form = await request.form()
    item = service.parse_item(str(form.get("item") or ""))
    back = str(form.get("back") or "/cpd")
    if not back.startswith("/") or back.startswith("//"):
        back = "/cpd"
    if item is None:
        raise NotFound("There is no such suggestion.")
    service.dismiss(db, member=member, item_type=item[0], item_id=item[1])
    return _redirect(request, back, "We will not suggest that again.")


@router.get("/invitations/{reflection_id}", summary="A colleague's request to reflect with them")
def invitation(
    request: Request, db: DbSession, member: CurrentMember, reflection_id: str
) -> Response:
    found = service.get_invitation(db, viewer=member, reflection_id=reflection_id)
    return render(request, "cpd/invitation.html", {"invitation": found, "values": {}, "errors": {}})


@router.post("/invitations/{reflection_id}/note", summary="Add your reflection note")
async def add_note(
    request: Request, db: DbSession, member: CurrentMember, reflection_id: str
) -> Response:
    form = await request.form()
    values: dict[str, Any] = {"note": form.get("note"), **guard_choice_from(form)}
    try:
        service.add_note(
            db, actor=member, reflection_id=reflection_id, data=NoteData.model_validate(values)
        )
    except (ValidationError, PassagesFound) as error:
        found = service.get_invitation(db, viewer=member, reflection_id=reflection_id)
        refusal = error if isinstance(error, PassagesFound) else None
        return render(
            request,
            "cpd/invitation.html",
            {
                "invitation": found,
                "values": values,
                "errors": field_errors(error) if isinstance(error, ValidationError) else {},
                **form_refusal_context(refusal, values, {"note": "note"}),
            },
            status_code=refusal_status(refusal) if refusal else 422,
        )
    return _redirect(request, "/cpd", "Thank you: your note is added to your colleague's entry.")


@router.post("/invitations/{reflection_id}/refuse", summary="Decline to reflect")
def refuse(request: Request, db: DbSession, member: CurrentMember, reflection_id: str) -> Response:
    service.refuse(db, actor=member, reflection_id=reflection_id)
    return _redirect(request, "/cpd", "You declined; your colleague will be told.")


def _export_year(year: int) -> clock.RegistrationYear:
    if not 2000 <= year <= 2100:
        raise NotFound("There is no such registration year.")
    return clock.registration_year_starting(year)


@router.get("/export/{year}.docx", summary="The year's record as a Word document")
def export_docx(db: DbSession, member: CurrentMember, year: int) -> Response:
    shown = _export_year(year)
    views = service.entries_of_year(db, member=member, year=shown)
    return Response(
        service.export_docx(views, year=shown, member_name=member.display_name),
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={
            "Content-Disposition": f'attachment; filename="cpd-{year}-{year + 1}.docx"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/export/{year}.csv", summary="The year's record as CSV, as the regulator asks")
def export_csv(db: DbSession, member: CurrentMember, year: int) -> Response:
    shown = _export_year(year)
    views = service.entries_of_year(db, member=member, year=shown)
    return Response(
        service.export_csv(views).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="cpd-{year}-{year + 1}.csv"',
            "Cache-Control": "private, no-store",
        },
    )


def _entry_page(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    entry_id: str,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    refusal: PassagesFound | None = None,
    status_code: int = 200,
) -> Response:
    entry = service.load_own_entry(db, member=member, entry_id=entry_id)
    invite_values = values or {}
    return render(
        request,
        "cpd/entry.html",
        {
            "view": service.view_of(entry),
            "year": clock.registration_year_of(entry.happened_on),
            "values": invite_values,
            "errors": errors or {},
            **form_refusal_context(refusal, invite_values, {"question": "question"}),
        },
        status_code=status_code,
    )


@router.get("/{entry_id}", summary="One of your CPD entries")
def read_entry(request: Request, db: DbSession, member: CurrentMember, entry_id: str) -> Response:
    return _entry_page(request, db, member, entry_id)


@router.get("/{entry_id}/edit", summary="Form to change a CPD entry")
def edit_form(request: Request, db: DbSession, member: CurrentMember, entry_id: str) -> Response:
    entry = service.load_own_entry(db, member=member, entry_id=entry_id)
    values = {name: getattr(entry, name) for name in ENTRY_FIELDS}
    values["kind"], values["happened_on"] = entry.kind.value, entry.happened_on.isoformat()
    values["record"] = entry.status == "recorded"
    return _form_page(request, entry_id=entry.id, values=values)


@router.post("/{entry_id}/edit", summary="Save changes to a CPD entry")
async def edit(request: Request, db: DbSession, member: CurrentMember, entry_id: str) -> Response:
    values = _entry_values(await request.form())
    try:
        service.update_entry(
            db, actor=member, entry_id=entry_id, data=CpdEntryData.model_validate(values)
        )
    except (ValidationError, InvalidInput) as error:
        service.load_own_entry(db, member=member, entry_id=entry_id)
        return _form_page(
            request, entry_id=entry_id, values=values, errors=_errors_of(error), status_code=422
        )
    except PassagesFound as found:
        return _form_page(
            request,
            entry_id=entry_id,
            values=values,
            refusal=found,
            status_code=refusal_status(found),
        )
    return _redirect(request, f"/cpd/{entry_id}", "Your changes are saved.")


@router.post("/{entry_id}/delete", summary="Delete a CPD entry")
def delete(request: Request, db: DbSession, member: CurrentMember, entry_id: str) -> Response:
    service.delete_entry(db, actor=member, entry_id=entry_id)
    return _redirect(request, "/cpd", "The entry is deleted.")


@router.post("/{entry_id}/reflections", summary="Ask a colleague to reflect with you")
async def invite(request: Request, db: DbSession, member: CurrentMember, entry_id: str) -> Response:
    form = await request.form()
    values: dict[str, Any] = {
        "colleague": form.get("colleague"),
        "question": form.get("question"),
        **guard_choice_from(form),
    }
    try:
        service.invite_peer(
            db, actor=member, entry_id=entry_id, data=InvitationData.model_validate(values)
        )
    except (ValidationError, InvalidInput) as error:
        return _entry_page(
            request,
            db,
            member,
            entry_id,
            values=values,
            errors=_errors_of(error),
            status_code=422,
        )
    except PassagesFound as found:
        return _entry_page(
            request,
            db,
            member,
            entry_id,
            values=values,
            refusal=found,
            status_code=refusal_status(found),
        )
    return _redirect(request, f"/cpd/{entry_id}", "Your colleague is invited to reflect with you.")


@router.post("/{entry_id}/reflections/{reflection_id}/withdraw", summary="Withdraw an invitation")
def withdraw(
    request: Request, db: DbSession, member: CurrentMember, entry_id: str, reflection_id: str
) -> Response:
    try:
        service.withdraw_invitation(
            db, actor=member, entry_id=entry_id, reflection_id=reflection_id
        )
    except InvalidAction as error:
        return _redirect(request, f"/cpd/{entry_id}", str(error), "error")
    return _redirect(request, f"/cpd/{entry_id}", "The invitation is withdrawn.")
