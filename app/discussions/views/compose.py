"""Writing pages: starting a thread, replying, editing, each with preview and the
anonymisation guard (a stopped save shows the form again with the passages highlighted)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.db import new_id
from app.discussions import service
from app.discussions.forms import ComposeForm, form_errors
from app.discussions.models import ALT_TEXT_MAX_LENGTH, Post, Thread
from app.discussions.schemas import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from app.discussions.views._common import _thread_href, post_href
from app.discussions.views.attachments import SLOTS, FormFiles, form_files, kept_attaching
from app.drafts import service as drafts
from app.drafts.models import DraftKind
from app.drafts.views import save_after_answer
from app.errors import Forbidden, InvalidAction, InvalidInput, NotFound
from app.guard.forms import context_of_refusal, guard_form_context
from app.guard.service import GuardFinding, PassagesFound
from app.members.models import Member
from app.security.rate_limits import RateLimited, RateLimitedAction, check_member_rate
from app.uploads.models import StagedUpload
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.templating import render

router = APIRouter(tags=["discussions"])
PostedFiles = Annotated[FormFiles, Depends(form_files)]
DRAFT_KINDS = {"thread": DraftKind.THREAD, "reply": DraftKind.REPLY}


def _draft_fields(form: ComposeForm, thread: Thread | None) -> dict[str, Any]:
    """The draft of a form shown again keeps its text and the ids of its kept files (each
    usable only in the session that kept it), with the alt texts typed beside them."""
    if thread is not None:
        return {"body": form.body, "thread_id": thread.id, **form.attachment_fields()}
    return {
        "category_id": form.category_id,
        "title": form.title,
        "body": form.body,
        "is_question": form.is_question,
        "topics": form.topics,
        **form.attachment_fields(),
    }


def _kept_by_slot(
    request: Request, db: Session, member: Member, form: ComposeForm
) -> tuple[dict[int, StagedUpload], bool]:
    """The kept files the form's slots hold, and whether some were not found (kept in
    another session, or expired): those slots are empty again."""
    choices = form.kept_choices()
    kept = kept_attaching(request, member, choices)
    found = {item.choice.slot: item.upload for item in service.kept_files(db, kept)}
    form.hold_files({slot: upload.id for slot, upload in found.items()})
    return found, len(found) < len(choices)


def reply_draft_title(thread: Thread) -> str:
    return f"Reply to “{thread.title}”"


def _texts(form: ComposeForm) -> dict[str, str]:
    """What the guard read, by field: the title, the text and the images' alt texts."""
    return {
        "title": form.title.strip(),
        "body": form.body.replace("\r\n", "\n").strip(),
        **form.alt_texts(),
    }


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
    kept_files, files_lost = _kept_by_slot(request, db, member, form)
    post_files = service.attachments_of_post(db, post) if post is not None else []
    free_slots = service.MAX_ATTACHMENTS_PER_POST - len(post_files)
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
        "attachment_slots": list(SLOTS)[:free_slots],
        "kept_files": kept_files,
        "kept_files_lost": files_lost,
        "post_files": post_files,
        "alt_text_max": ALT_TEXT_MAX_LENGTH,
        "max_upload_mb": request.app.state.settings.max_upload_bytes // (1024 * 1024),
        **_guard_context(findings or [], form, refusal),
    }
    if mode == "thread":
        categories = service.category_choices(db, viewer=member)
        chosen = next((c for c in categories if c.id == form.category_id), None)
        context["categories"] = categories
        context["topics"] = service.all_topics(db)
        # a category's topics are suggested, not ticked: a thread is rarely about all of them
        context["suggested_topics"] = [t.name for t in chosen.topics] if chosen else []
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
    files: FormFiles | None = None,
    check: Callable[[], object] | None = None,
    rate_limit: RateLimitedAction | None = None,
) -> Response:
    """Preview, or save through the guard; on a refusal show the form again, filled in,
    its chosen files kept ("already attached"). A new thread or reply shown again is saved
    as a draft (with the kept files' ids), which publishing discards. ``check`` validates
    the form's fields, so that a refused file is reported with every other problem."""
    draft_kind = DRAFT_KINDS.get(mode)
    if draft_kind is not None and not form.draft_id:
        form.draft_id = new_id()
    if files is not None:
        form.hold_files(files.staged)

    def again(**extra: Any) -> Response:
        response = _compose_page(
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
        if draft_kind is None:
            return response
        return save_after_answer(
            request,
            member,
            response,
            kind=draft_kind,
            fields=_draft_fields(form, thread if mode == "reply" else None),
            draft_id=form.draft_id,
            title=reply_draft_title(thread) if mode == "reply" and thread else None,
        )

    if form.previewing:
        shown = service.preview(body=form.body, title=form.title if with_title else None)
        return again(preview_html=shown.html, findings=shown.findings)
    if files is not None and files.refused:
        errors = {"attachments": " ".join(files.refused)}
        try:
            if check is not None:
                check()
        except ValidationError as error:
            errors = {**form_errors(error), **errors}
        return again(errors=errors, status_code=422)
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
    if draft_kind is not None:
        drafts.discard_draft(db, actor=member, draft_id=form.draft_id)
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
    draft: Annotated[str, Query(max_length=36)] = "",
) -> Response:
    form = ComposeForm()
    for choice in service.category_choices(db, viewer=member):
        if choice.slug == category:
            form = ComposeForm(category_id=choice.id)
    if draft:
        saved = drafts.get_draft(db, viewer=member, draft_id=draft)
        if saved.kind != DraftKind.THREAD:
            raise NotFound("There is no such draft.")
        form = ComposeForm.model_validate({**saved.fields, "draft_id": saved.id})
    return _compose_page(
        request, db, member, mode="thread", form=form, action_url="/discussions/start"
    )


@router.post("/discussions/start", summary="Start a thread (or preview it)")
def create_thread(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    form: Annotated[ComposeForm, Form()],
    files: PostedFiles,
) -> Response:
    return _compose(
        request,
        db,
        member,
        form,
        mode="thread",
        action_url="/discussions/start",
        save=lambda: service.start_thread(
            db,
            actor=member,
            data=form.to_thread(),
            kept=kept_attaching(request, member, form.kept_choices()),
        ),
        done="Your thread has been posted.",
        with_title=True,
        files=files,
        check=form.to_thread,
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
    draft: Annotated[str, Query(max_length=36)] = "",
) -> Response:
    thread = service.thread_for_reply(db, viewer=member, thread_id=thread_id)
    body = service.quote(db, viewer=member, post_id=quote, part=part or None) if quote else ""
    form = ComposeForm(body=body)
    if draft:
        saved = drafts.get_draft(db, viewer=member, draft_id=draft)
        if saved.kind != DraftKind.REPLY or saved.fields.get("thread_id") != thread.id:
            raise NotFound("There is no such draft.")
        form = ComposeForm.model_validate(
            {
                name: str(saved.fields.get(name) or "")
                for name in ("body", *drafts.ATTACHMENT_SLOT_FIELDS)
            }
            | {"draft_id": saved.id}
        )
    return _compose_page(
        request,
        db,
        member,
        mode="reply",
        form=form,
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
    files: PostedFiles,
) -> Response:
    thread = service.thread_for_reply(db, viewer=member, thread_id=thread_id)
    return _compose(
        request,
        db,
        member,
        form,
        mode="reply",
        action_url=f"/discussions/t/{thread.id}/reply",
        save=lambda: service.reply(
            db,
            actor=member,
            thread_id=thread_id,
            data=form.to_reply(),
            kept=kept_attaching(request, member, form.kept_choices()),
        ),
        done="Your reply has been posted.",
        thread=thread,
        files=files,
        check=form.to_reply,
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
    files: PostedFiles,
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
            db,
            actor=member,
            post_id=post_id,
            data=form.to_edit(with_title=with_title),
            kept=kept_attaching(request, member, form.kept_choices()),
        ),
        done="Your changes have been saved.",
        thread=thread,
        post=post,
        with_title=with_title,
        files=files,
        check=lambda: form.to_edit(with_title=with_title),
    )
