"""Discussion pages: categories, lists of threads, a thread, writing (with preview and the
anonymisation guard), reactions, answers, following, moderation and managing categories."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.discussions import service
from app.discussions.forms import CategoryForm, ComposeForm, form_errors
from app.discussions.models import Post, Thread
from app.discussions.schemas import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from app.discussions.service import POSTS_PER_PAGE
from app.errors import Forbidden, InvalidAction, InvalidInput
from app.guard.forms import guard_form_context
from app.guard.service import GuardFinding, PassagesFound
from app.members.models import Member
from app.policy import check_manage_categories_permission
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.pagination import PageRequest, page_request, paginate
from app.web.templating import render

router = APIRouter(tags=["discussions"])
Page = Annotated[PageRequest, Depends(page_request)]
Reason = Annotated[str | None, Form(max_length=2000)]

VIEW_TITLES = {
    "unanswered": "Unanswered questions",
    "new": "New since your last visit",
    "following": "Threads you follow",
}


def post_href(post: Post) -> str:
    page = math.ceil(post.number / POSTS_PER_PAGE)
    return f"/discussions/t/{post.thread_id}?page={page}#post-{post.number}"


def _thread_href(thread_id: str, page: int = 1) -> str:
    return f"/discussions/t/{thread_id}" + (f"?page={page}" if page > 1 else "")


# --- lists -----------------------------------------------------------------------------------


@router.get("/discussions", summary="Discussion categories")
def index(request: Request, db: DbSession, member: CurrentMember) -> Response:
    overview = service.overview(db, viewer=member)
    return render(request, "discussions/index.html", {"overview": overview})


def _list_page(
    request: Request,
    db: Session,
    member: Member,
    page: PageRequest,
    *,
    view: service.ThreadView,
    category_slug: str | None = None,
    topic: str = "",
) -> Response:
    browse = service.browse_threads(
        db,
        viewer=member,
        view=view,
        category_slug=category_slug,
        topic_slug=topic or None,
        offset=page.offset,
        limit=page.size,
    )
    title = browse.category.category.name if browse.category else VIEW_TITLES[view]
    return render(
        request,
        "discussions/list.html",
        {
            "browse": browse,
            "view": view,
            "list_title": title,
            "pager": paginate(page, browse.total, {"topic": topic}),
        },
    )


@router.get("/discussions/c/{slug}", summary="The threads of one category")
def category(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    page: Page,
    slug: str,
    topic: Annotated[str, Query(max_length=80)] = "",
) -> Response:
    return _list_page(request, db, member, page, view="all", category_slug=slug, topic=topic)


def _view_route(view: service.ThreadView) -> Callable[..., Response]:
    def route(request: Request, db: DbSession, member: CurrentMember, page: Page) -> Response:
        return _list_page(request, db, member, page, view=view)

    return route


for _view, _title in VIEW_TITLES.items():
    router.add_api_route(
        f"/discussions/{_view}",
        _view_route(_view),  # type: ignore[arg-type]
        methods=["GET"],
        summary=_title,
        name=f"discussions_{_view}",
    )


# --- writing ---------------------------------------------------------------------------------


def _guard_context(findings: list[GuardFinding], form: ComposeForm) -> dict[str, Any]:
    texts = {"title": form.title.strip(), "body": form.body.replace("\r\n", "\n").strip()}
    return guard_form_context(findings, texts)


def _compose_page(
    request: Request,
    db: Session,
    member: Member,
    *,
    mode: Literal["thread", "reply", "edit"],
    form: ComposeForm,
    action_url: str,
    thread: Thread | None = None,
    post: Post | None = None,
    errors: dict[str, str] | None = None,
    findings: list[GuardFinding] | None = None,
    preview_html: str | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "mode": mode,
        "form": form,
        "action_url": action_url,
        "thread": thread,
        "post": post,
        "errors": errors or {},
        "preview_html": preview_html,
        "guard_blocked": bool(findings) and preview_html is None,
        "title_max": TITLE_MAX_LENGTH,
        "body_max": BODY_MAX_LENGTH,
        **_guard_context(findings or [], form),
    }
    if mode == "thread":
        context["categories"] = service.category_choices(db, viewer=member)
        context["topics"] = service.all_topics(db)
    return render(request, "discussions/compose.html", context, status_code=status_code)


def _compose(
    request: Request,
    db: Session,
    member: Member,
    form: ComposeForm,
    *,
    mode: Literal["thread", "reply", "edit"],
    action_url: str,
    save: Callable[[], Post | Thread],
    done: str,
    thread: Thread | None = None,
    post: Post | None = None,
    with_title: bool = False,
) -> Response:
    """Preview, or save through the guard; on a refusal show the form again, filled in."""

    def again(**extra: Any) -> Response:
        return _compose_page(
            request,
            db,
            member,
            mode=mode,
            form=form,
            action_url=action_url,
            thread=thread,
            post=post,
            **extra,
        )

    if form.previewing:
        shown = service.preview(body=form.body, title=form.title if with_title else None)
        return again(preview_html=shown.html, findings=shown.findings)
    try:
        saved = save()
    except ValidationError as error:
        return again(errors=form_errors(error), status_code=422)
    except InvalidInput as error:
        db.rollback()
        return again(errors=error.errors, status_code=422)
    except PassagesFound as found:
        db.rollback()
        return again(findings=found.findings, status_code=409)
    except (InvalidAction, Forbidden) as error:
        db.rollback()
        status = 403 if isinstance(error, Forbidden) else 409
        return again(errors={"body": str(error)}, status_code=status)
    target = post_href(saved) if isinstance(saved, Post) else _thread_href(saved.id)
    response = RedirectResponse(target, status_code=303)
    flash(request, response, done)
    return response


@router.get("/discussions/start", summary="Start a thread")
def new_thread(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    category: Annotated[str, Query(max_length=80)] = "",
) -> Response:
    form = ComposeForm()
    for choice in service.category_choices(db, viewer=member):
        if choice.slug == category:
            form = ComposeForm(category_id=choice.id, topics=[t.slug for t in choice.topics])
    return _compose_page(
        request, db, member, mode="thread", form=form, action_url="/discussions/start"
    )


@router.post("/discussions/start", summary="Start a thread (or preview it)")
def create_thread(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    form: Annotated[ComposeForm, Form()],
) -> Response:
    return _compose(
        request,
        db,
        member,
        form,
        mode="thread",
        action_url="/discussions/start",
        save=lambda: service.start_thread(db, actor=member, data=form.to_thread()),
        done="Your thread has been posted.",
        with_title=True,
    )


@router.get("/discussions/t/{thread_id}/reply", summary="Reply, optionally quoting a post")
def reply_form(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    thread_id: str,
    quote: Annotated[str, Query(max_length=36)] = "",
    part: Annotated[str, Query(max_length=BODY_MAX_LENGTH)] = "",
) -> Response:
    thread = service.thread_for_reply(db, viewer=member, thread_id=thread_id)
    body = service.quote(db, viewer=member, post_id=quote, part=part or None) if quote else ""
    return _compose_page(
        request,
        db,
        member,
        mode="reply",
        form=ComposeForm(body=body),
        action_url=f"/discussions/t/{thread.id}/reply",
        thread=thread,
    )


@router.post("/discussions/t/{thread_id}/reply", summary="Reply to a thread (or preview)")
def post_reply(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    thread_id: str,
    form: Annotated[ComposeForm, Form()],
) -> Response:
    thread = service.thread_for_reply(db, viewer=member, thread_id=thread_id)
    return _compose(
        request,
        db,
        member,
        form,
        mode="reply",
        action_url=f"/discussions/t/{thread.id}/reply",
        save=lambda: service.reply(db, actor=member, thread_id=thread_id, data=form.to_reply()),
        done="Your reply has been posted.",
        thread=thread,
    )


@router.get("/discussions/p/{post_id}/edit", summary="Edit a post")
def edit_form(request: Request, db: DbSession, member: CurrentMember, post_id: str) -> Response:
    post, thread = service.post_for_edit(db, viewer=member, post_id=post_id)
    return _compose_page(
        request,
        db,
        member,
        mode="edit",
        form=ComposeForm(title=thread.title, body=post.body_markdown),
        action_url=f"/discussions/p/{post.id}/edit",
        thread=thread,
        post=post,
    )


@router.post("/discussions/p/{post_id}/edit", summary="Save an edited post (or preview)")
def save_edit(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    post_id: str,
    form: Annotated[ComposeForm, Form()],
) -> Response:
    post, thread = service.post_for_edit(db, viewer=member, post_id=post_id)
    with_title = post.number == 1
    return _compose(
        request,
        db,
        member,
        form,
        mode="edit",
        action_url=f"/discussions/p/{post.id}/edit",
        save=lambda: service.edit_post(
            db, actor=member, post_id=post_id, data=form.to_edit(with_title=with_title)
        ),
        done="Your changes have been saved.",
        thread=thread,
        post=post,
        with_title=with_title,
    )


# --- reading ---------------------------------------------------------------------------------


def _thread_page(
    request: Request,
    db: Session,
    member: Member,
    thread_id: str,
    number: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    page = service.thread_page(db, viewer=member, thread_id=thread_id, number=number)
    pager = paginate(PageRequest(number, POSTS_PER_PAGE), page.thread.last_post_number, {})
    return render(
        request,
        "discussions/thread.html",
        {"page": page, "thread": page.thread, "pager": pager, "errors": errors or {}},
        status_code=status_code,
    )


@router.get("/discussions/t/{thread_id}", summary="A thread, 25 posts a page")
def thread(
    request: Request, db: DbSession, member: CurrentMember, thread_id: str, page: Page
) -> Response:
    return _thread_page(request, db, member, thread_id, page.number)


@router.get("/discussions/t/{thread_id}/unread", summary="Go to the first unread post")
def first_unread(db: DbSession, member: CurrentMember, thread_id: str) -> RedirectResponse:
    page, number = service.first_unread(db, viewer=member, thread_id=thread_id)
    return RedirectResponse(f"{_thread_href(thread_id, page)}#post-{number}", status_code=303)


@router.get("/discussions/p/{post_id}", summary="Go to a post in its thread")
def go_to_post(db: DbSession, member: CurrentMember, post_id: str) -> RedirectResponse:
    thread_id, page, number = service.locate_post(db, viewer=member, post_id=post_id)
    return RedirectResponse(f"{_thread_href(thread_id, page)}#post-{number}", status_code=303)


@router.get("/discussions/p/{post_id}/history", summary="A post's edit history")
def history(request: Request, db: DbSession, member: CurrentMember, post_id: str) -> Response:
    found = service.post_history(db, viewer=member, post_id=post_id)
    return render(
        request, "discussions/history.html", {"history": found, "back": post_href(found.post)}
    )


# --- actions on a thread or a post -----------------------------------------------------------


def _act(
    request: Request,
    db: Session,
    member: Member,
    thread_id: str,
    action: Callable[[], Any],
    done: str,
    *,
    page: int = 1,
    anchor: str = "",
) -> Response:
    """Run one action; on refusal roll back and show the thread with the reason."""
    try:
        result = action()
    except InvalidInput as error:
        db.rollback()
        return _thread_page(
            request, db, member, thread_id, page, errors=error.errors, status_code=422
        )
    except (InvalidAction, Forbidden) as error:
        db.rollback()
        status = 403 if isinstance(error, Forbidden) else 409
        return _thread_page(
            request, db, member, thread_id, page, errors={"action": str(error)}, status_code=status
        )
    target = post_href(result) if isinstance(result, Post) else _thread_href(thread_id, page)
    response = RedirectResponse(target + anchor, status_code=303)
    flash(request, response, done)
    return response


def _post_act(
    request: Request,
    db: Session,
    member: Member,
    post_id: str,
    action: Callable[[], Post],
    done: str,
) -> Response:
    thread_id, page, _number = service.locate_post(db, viewer=member, post_id=post_id)
    return _act(request, db, member, thread_id, action, done, page=page)


@router.post("/discussions/t/{thread_id}/follow", summary="Follow or stop following a thread")
def follow_thread(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    thread_id: str,
    value: Annotated[str, Form()] = "on",
) -> Response:
    following = value == "on"
    return _act(
        request,
        db,
        member,
        thread_id,
        lambda: service.follow_thread(db, actor=member, thread_id=thread_id, follow=following),
        "You are following this thread." if following else "You no longer follow this thread.",
    )


@router.post("/discussions/t/{thread_id}/accept", summary="Accept a reply as the answer")
def accept(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    thread_id: str,
    post_id: Annotated[str, Form(max_length=36)] = "",
) -> Response:
    return _act(
        request,
        db,
        member,
        thread_id,
        lambda: service.accept_answer(
            db, actor=member, thread_id=thread_id, post_id=post_id or None
        ),
        "The answer is marked as accepted." if post_id else "The accepted answer is withdrawn.",
    )


THREAD_ACTIONS: dict[str, tuple[Callable[..., Thread], str, str]] = {
    "pin": (
        lambda db, actor, thread_id, reason: service.pin_thread(
            db, actor=actor, thread_id=thread_id, pinned=True, reason=reason
        ),
        "Pin a thread to the top of its category",
        "The thread is pinned.",
    ),
    "unpin": (
        lambda db, actor, thread_id, reason: service.pin_thread(
            db, actor=actor, thread_id=thread_id, pinned=False, reason=reason
        ),
        "Unpin a thread",
        "The thread is no longer pinned.",
    ),
    "lock": (
        lambda db, actor, thread_id, reason: service.lock_thread(
            db, actor=actor, thread_id=thread_id, reason=reason
        ),
        "Lock a thread, with a reason members see",
        "The thread is locked.",
    ),
    "unlock": (
        lambda db, actor, thread_id, reason: service.unlock_thread(
            db, actor=actor, thread_id=thread_id, reason=reason
        ),
        "Unlock a thread",
        "The thread is unlocked.",
    ),
    "restore": (
        lambda db, actor, thread_id, reason: service.restore_thread(
            db, actor=actor, thread_id=thread_id, reason=reason
        ),
        "Restore a deleted thread",
        "The thread is restored.",
    ),
}


def _thread_action_route(action: Callable[..., Thread], done: str) -> Callable[..., Response]:
    def route(
        request: Request,
        db: DbSession,
        member: CurrentMember,
        thread_id: str,
        reason: Reason = None,
    ) -> Response:
        return _act(
            request, db, member, thread_id, lambda: action(db, member, thread_id, reason), done
        )

    return route


for _path, (_action, _summary, _done) in THREAD_ACTIONS.items():
    router.add_api_route(
        f"/discussions/t/{{thread_id}}/{_path}",
        _thread_action_route(_action, _done),
        methods=["POST"],
        summary=_summary,
        name=f"discussions_thread_{_path}",
    )


@router.post("/discussions/t/{thread_id}/move", summary="Move a thread to another category")
def move(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    thread_id: str,
    category_id: Annotated[str, Form(max_length=36)] = "",
    reason: Reason = None,
) -> Response:
    return _act(
        request,
        db,
        member,
        thread_id,
        lambda: service.move_thread(
            db, actor=member, thread_id=thread_id, category_id=category_id, reason=reason
        ),
        "The thread has been moved.",
    )


@router.post("/discussions/p/{post_id}/react", summary="Mark a post helpful or thank its author")
def react(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    post_id: str,
    kind: Annotated[str, Form(max_length=16)] = "",
    value: Annotated[str, Form()] = "on",
) -> Response:
    on = value == "on"
    return _post_act(
        request,
        db,
        member,
        post_id,
        lambda: service.react(db, actor=member, post_id=post_id, kind=kind, on=on),
        "Your reaction is recorded." if on else "Your reaction is removed.",
    )


@router.post("/discussions/p/{post_id}/delete", summary="Delete a post (or, the first, a thread)")
def delete(
    request: Request, db: DbSession, member: CurrentMember, post_id: str, reason: Reason = None
) -> Response:
    thread_id, page, _number = service.locate_post(db, viewer=member, post_id=post_id)
    try:
        deleted = service.delete_post(db, actor=member, post_id=post_id, reason=reason)
    except (InvalidAction, Forbidden) as error:
        db.rollback()
        status = 403 if isinstance(error, Forbidden) else 409
        return _thread_page(
            request, db, member, thread_id, page, errors={"action": str(error)}, status_code=status
        )
    if deleted.number == 1:
        target = "/discussions" if not member.is_staff else _thread_href(thread_id)
        message = "The thread has been deleted."
    else:
        target, message = post_href(deleted), "The post has been deleted."
    response = RedirectResponse(target, status_code=303)
    flash(request, response, message)
    return response


@router.post("/discussions/p/{post_id}/hide", summary="Hide a post, with a reason shown instead")
def hide(
    request: Request, db: DbSession, member: CurrentMember, post_id: str, reason: Reason = None
) -> Response:
    return _post_act(
        request,
        db,
        member,
        post_id,
        lambda: service.hide_post(db, actor=member, post_id=post_id, reason=reason),
        "The post is hidden.",
    )


@router.post("/discussions/p/{post_id}/restore", summary="Restore a hidden or deleted post")
def restore(
    request: Request, db: DbSession, member: CurrentMember, post_id: str, reason: Reason = None
) -> Response:
    return _post_act(
        request,
        db,
        member,
        post_id,
        lambda: service.restore_post(db, actor=member, post_id=post_id, reason=reason),
        "The post is restored.",
    )


@router.post("/discussions/c/{slug}/follow", summary="Follow or stop following a category")
def follow_category(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    slug: str,
    value: Annotated[str, Form()] = "on",
) -> Response:
    following = value == "on"
    listing = service.get_category(db, viewer=member, slug=slug)
    service.follow_category(db, actor=member, category_id=listing.category.id, follow=following)
    response = RedirectResponse(f"/discussions/c/{slug}", status_code=303)
    flash(
        request,
        response,
        f"You are following {listing.category.name}."
        if following
        else f"You no longer follow {listing.category.name}.",
    )
    return response


# --- managing categories (admins) ------------------------------------------------------------


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
        db.rollback()
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
