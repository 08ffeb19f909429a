"""Actions on a thread or a post: following, accepting an answer, moderation (pin, lock,
restore, move, hide, delete) and reactions; a refusal shows the thread with the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from app.discussions import service
from app.discussions.models import Post, Thread
from app.discussions.views._common import Reason, _thread_href, post_href
from app.discussions.views.reading import _thread_page
from app.errors import Forbidden, InvalidAction, InvalidInput
from app.members.models import Member
from app.policy import may_see_deleted_threads
from app.security.rate_limits import member_rate_limit
from app.web.confirmation import Confirmation, Confirmed, confirmation_page, is_confirmed
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash

router = APIRouter(tags=["discussions"])


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
    """Run one action; on refusal show the thread with the reason (the unit of work drops
    whatever the refused action wrote)."""
    try:
        result = action()
    except InvalidInput as error:
        return _thread_page(
            request, db, member, thread_id, page, errors=error.errors, status_code=422
        )
    except (InvalidAction, Forbidden) as error:
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


@router.post(
    "/discussions/p/{post_id}/react",
    summary="Mark a post helpful or thank its author",
    dependencies=[Depends(member_rate_limit("reaction"))],
)
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


def _confirm_deletion(
    request: Request, db: Session, member: Member, post_id: str, reason: str | None
) -> Response:
    post, thread = service.post_to_delete(db, actor=member, post_id=post_id)
    if post.number == 1:
        question = f"Delete the thread “{thread.title}”?"
        consequence = "The thread and every reply in it will be removed from the discussions."
        label = "Yes, delete the thread"
    else:
        question = f"Delete reply {post.number - 1} in “{thread.title}”?"
        consequence = "The reply will be removed from the thread."
        label = "Yes, delete the reply"
    return confirmation_page(
        request,
        Confirmation(
            question=question,
            consequence=consequence + " A moderator can restore it.",
            action=f"/discussions/p/{post_id}/delete",
            confirm_label=label,
            back_href=post_href(post),
            carried={"reason": reason} if reason else {},
        ),
    )


@router.post("/discussions/p/{post_id}/delete", summary="Delete a post (or, the first, a thread)")
def delete(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    post_id: str,
    reason: Reason = None,
    confirmed: Confirmed = None,
) -> Response:
    thread_id, page, _number = service.locate_post(db, viewer=member, post_id=post_id)
    try:
        if not is_confirmed(confirmed):
            return _confirm_deletion(request, db, member, post_id, reason)
        deleted = service.delete_post(db, actor=member, post_id=post_id, reason=reason)
    except (InvalidAction, Forbidden) as error:
        status = 403 if isinstance(error, Forbidden) else 409
        return _thread_page(
            request, db, member, thread_id, page, errors={"action": str(error)}, status_code=status
        )
    if deleted.number == 1:
        target = _thread_href(thread_id) if may_see_deleted_threads(member) else "/discussions"
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
