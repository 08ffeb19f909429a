"""Writing pages: starting a thread, replying, editing, each with preview and the
anonymisation guard (a stopped save shows the form again with the passages highlighted)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.discussions import service
from app.discussions.forms import ComposeForm, form_errors
from app.discussions.models import Post, Thread
from app.discussions.schemas import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from app.discussions.views._common import _thread_href, post_href
from app.errors import Forbidden, InvalidAction, InvalidInput
from app.guard.forms import context_of_refusal, guard_form_context
from app.guard.service import GuardFinding, PassagesFound
from app.members.models import Member
from app.security.rate_limits import RateLimited, RateLimitedAction, check_member_rate
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.templating import render

router = APIRouter(tags=["discussions"])


def _texts(form: ComposeForm) -> dict[str, str]:
    return {"title": form.title.strip(), "body": form.body.replace("\r\n", "\n").strip()}


def _guard_context(
    findings: list[GuardFinding], form: ComposeForm, refusal: PassagesFound | None
) -> dict[str, Any]:
    if refusal is not None:
        return context_of_refusal(refusal, _texts(form), form.guard_reason)
    return guard_form_context(findings, _texts(form))


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
    refusal: PassagesFound | None = None,
    preview_html: str | None = None,
    status_code: int = 200,
) -> Response:
    if refusal is not None:
        findings = refusal.findings
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
        **_guard_context(findings or [], form, refusal),
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
    rate_limit: RateLimitedAction | None = None,
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
        if rate_limit is not None:
            check_member_rate(request, rate_limit)
        saved = save()
    except RateLimited as error:
        response = again(errors={"body": str(error)}, status_code=429)
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    except ValidationError as error:
        return again(errors=form_errors(error), status_code=422)
    except InvalidInput as error:
        return again(errors=error.errors, status_code=422)
    except PassagesFound as found:
        return again(refusal=found, status_code=422 if found.reason_missing else 409)
    except (InvalidAction, Forbidden) as error:
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
        rate_limit="thread",
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
        rate_limit="reply",
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
