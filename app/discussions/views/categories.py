"""Managing discussion categories (admins)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.discussions import service
from app.discussions.forms import CategoryForm, form_errors
from app.errors import InvalidInput
from app.members.models import Member
from app.policy import check_manage_categories_permission
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.templating import render

router = APIRouter(tags=["discussions"])


def _categories_page(
    request: Request,
    db: Session,
    member: Member,
    *,
    errors: dict[str, str] | None = None,
    form: CategoryForm | None = None,
    editing: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "discussions/manage_categories.html",
        {
            "categories": service.manageable_categories(db, actor=member),
            "topics": service.all_topics(db),
            "errors": errors or {},
            "form": form or CategoryForm(),
            "editing": editing,
        },
        status_code=status_code,
    )


@router.get("/discussions/manage/categories", summary="Manage discussion categories (admins)")
def manage_categories(request: Request, db: DbSession, member: CurrentMember) -> Response:
    return _categories_page(request, db, member)


def _save_category(
    request: Request,
    db: Session,
    member: Member,
    form: CategoryForm,
    save: Callable[[], Any],
    editing: str | None,
) -> Response:
    try:
        saved = save()
    except ValidationError as error:
        return _categories_page(
            request,
            db,
            member,
            errors=form_errors(error),
            form=form,
            editing=editing,
            status_code=422,
        )
    except InvalidInput as error:
        return _categories_page(
            request, db, member, errors=error.errors, form=form, editing=editing, status_code=422
        )
    response = RedirectResponse("/discussions/manage/categories", status_code=303)
    flash(request, response, f"The category “{saved.name}” is saved.")
    return response


@router.post("/discussions/manage/categories", summary="Add a discussion category (admins)")
def add_category(
    request: Request, db: DbSession, member: CurrentMember, form: Annotated[CategoryForm, Form()]
) -> Response:
    check_manage_categories_permission(member)
    return _save_category(
        request,
        db,
        member,
        form,
        lambda: service.create_category(db, actor=member, data=form.to_write()),
        None,
    )


@router.post(
    "/discussions/manage/categories/{category_id}", summary="Change a discussion category (admins)"
)
def change_category(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    category_id: str,
    form: Annotated[CategoryForm, Form()],
) -> Response:
    check_manage_categories_permission(member)
    return _save_category(
        request,
        db,
        member,
        form,
        lambda: service.update_category(
            db, actor=member, category_id=category_id, data=form.to_write()
        ),
        category_id,
    )
