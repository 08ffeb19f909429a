"""Threads in the JSON API: list, start, read, reply, follow, accepted answers and
moderation (lock, move, pin, unpin, unlock, restore)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from app.discussions import service
from app.discussions.api._common import (
    GUARD_RESPONSE,
    Page,
    _guarded,
    _saved_post,
    _summary,
    author_out,
    post_out,
)
from app.discussions.models import Thread
from app.discussions.schemas import (
    AcceptBody,
    CategoryOut,
    MoveBody,
    OptionalReason,
    PostCreate,
    ReasonBody,
    ThreadCreate,
    ThreadListOut,
    ThreadOut,
    ThreadPageOut,
)
from app.members.schemas import TopicOut
from app.security.rate_limits import member_rate_limit
from app.web.deps import CurrentMember, DbSession
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_page_fields

router = APIRouter(prefix="/api/v1/discussions", tags=["discussions"])


@router.get(
    "/threads",
    response_model=ThreadListOut,
    summary="Threads you may see, 25 a page: all, unanswered, new since your last visit, or "
    "those you follow",
)
def list_threads(
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    view: service.ThreadView = "all",
    category: Annotated[str | None, Query(max_length=80, description="A category slug")] = None,
    topic: Annotated[str | None, Query(max_length=80, description="A topic slug")] = None,
) -> ThreadListOut:
    browse = service.browse_threads(
        db,
        viewer=member,
        view=view,
        category_slug=category or None,
        topic_slug=topic or None,
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    return ThreadListOut(
        **cursor_page_fields(browse.page, browse.total, PAGE_SIZE),
        threads=[_summary(listing) for listing in browse.threads],
    )


@router.post(
    "/threads",
    dependencies=[Depends(member_rate_limit("thread"))],
    status_code=201,
    responses=GUARD_RESPONSE,
    summary="Start a thread (checked by the anonymisation guard)",
)
def create_thread(db: DbSession, member: CurrentMember, body: ThreadCreate) -> Any:
    return _guarded(
        lambda: service.start_thread(db, actor=member, data=body),
        lambda thread: {"id": thread.id, "title": thread.title},
    )


@router.get("/threads/{thread_id}", response_model=ThreadPageOut, summary="A page of a thread")
def read_thread(db: DbSession, member: CurrentMember, thread_id: str, page: Page) -> ThreadPageOut:
    found = service.thread_page(db, viewer=member, thread_id=thread_id, number=page.number)
    thread = found.thread
    return ThreadPageOut(
        thread=ThreadOut(
            id=thread.id,
            title=thread.title,
            category=CategoryOut(
                id=thread.category.id,
                slug=thread.category.slug,
                name=thread.category.name,
                description=thread.category.description,
                position=thread.category.position,
                topics=[],
            ),
            topics=[TopicOut.model_validate(topic) for topic in thread.topics],
            author=author_out(thread.author),
            is_question=thread.is_question,
            accepted_post_id=thread.accepted_post_id,
            is_pinned=thread.is_pinned,
            is_locked=thread.is_locked,
            lock_reason=thread.lock_reason,
            is_deleted=thread.is_deleted,
            reply_count=thread.reply_count,
            created_at=thread.created_at,
            last_post_at=thread.last_post_at,
            following=found.following,
        ),
        accepted_answer=post_out(found.accepted) if found.accepted else None,
        page=found.number,
        pages=found.pages,
        posts=[post_out(view) for view in found.posts],
    )


@router.post(
    "/threads/{thread_id}/posts",
    dependencies=[Depends(member_rate_limit("reply"))],
    status_code=201,
    responses=GUARD_RESPONSE,
    summary="Reply to a thread (checked by the anonymisation guard)",
)
def create_reply(db: DbSession, member: CurrentMember, thread_id: str, body: PostCreate) -> Any:
    return _guarded(
        lambda: service.reply(db, actor=member, thread_id=thread_id, data=body), _saved_post
    )


@router.put(
    "/threads/{thread_id}/follow",
    status_code=204,
    response_class=Response,
    summary="Follow a thread",
)
def follow_thread(db: DbSession, member: CurrentMember, thread_id: str) -> Response:
    service.follow_thread(db, actor=member, thread_id=thread_id, follow=True)
    return Response(status_code=204)


@router.delete(
    "/threads/{thread_id}/follow",
    status_code=204,
    response_class=Response,
    summary="Stop following a thread",
)
def unfollow_thread(db: DbSession, member: CurrentMember, thread_id: str) -> Response:
    service.follow_thread(db, actor=member, thread_id=thread_id, follow=False)
    return Response(status_code=204)


def _thread_state(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.id,
        "category_id": thread.category_id,
        "is_pinned": thread.is_pinned,
        "lock_reason": thread.lock_reason,
        "is_deleted": thread.is_deleted,
        "accepted_post_id": thread.accepted_post_id,
    }


@router.put(
    "/threads/{thread_id}/accepted-answer",
    summary="Accept a reply as the answer (the asker or a moderator)",
)
def accept_answer(
    db: DbSession, member: CurrentMember, thread_id: str, body: AcceptBody
) -> dict[str, Any]:
    return _thread_state(
        service.accept_answer(db, actor=member, thread_id=thread_id, post_id=body.post_id)
    )


@router.delete("/threads/{thread_id}/accepted-answer", summary="Withdraw the accepted answer")
def withdraw_answer(db: DbSession, member: CurrentMember, thread_id: str) -> dict[str, Any]:
    return _thread_state(service.accept_answer(db, actor=member, thread_id=thread_id, post_id=None))


@router.post("/threads/{thread_id}/lock", summary="Lock a thread with a reason (moderators)")
def lock(db: DbSession, member: CurrentMember, thread_id: str, body: ReasonBody) -> dict[str, Any]:
    return _thread_state(
        service.lock_thread(db, actor=member, thread_id=thread_id, reason=body.reason)
    )


@router.post("/threads/{thread_id}/move", summary="Move a thread (moderators)")
def move(db: DbSession, member: CurrentMember, thread_id: str, body: MoveBody) -> dict[str, Any]:
    return _thread_state(
        service.move_thread(
            db, actor=member, thread_id=thread_id, category_id=body.category_id, reason=body.reason
        )
    )


REASON_ONLY_THREAD_ACTIONS: dict[str, tuple[Callable[..., Thread], str]] = {
    "pin": (
        lambda db, actor, thread_id, reason: service.pin_thread(
            db, actor=actor, thread_id=thread_id, pinned=True, reason=reason
        ),
        "Pin a thread (moderators)",
    ),
    "unpin": (
        lambda db, actor, thread_id, reason: service.pin_thread(
            db, actor=actor, thread_id=thread_id, pinned=False, reason=reason
        ),
        "Unpin a thread (moderators)",
    ),
    "unlock": (
        lambda db, actor, thread_id, reason: service.unlock_thread(
            db, actor=actor, thread_id=thread_id, reason=reason
        ),
        "Unlock a thread (moderators)",
    ),
    "restore": (
        lambda db, actor, thread_id, reason: service.restore_thread(
            db, actor=actor, thread_id=thread_id, reason=reason
        ),
        "Restore a deleted thread (moderators)",
    ),
}


def _thread_action_route(action: Callable[..., Thread]) -> Callable[..., dict[str, Any]]:
    def route(
        db: DbSession, member: CurrentMember, thread_id: str, body: OptionalReason
    ) -> dict[str, Any]:
        return _thread_state(action(db, member, thread_id, body.reason))

    return route


for _path, (_action, _action_summary) in REASON_ONLY_THREAD_ACTIONS.items():
    router.add_api_route(
        f"/threads/{{thread_id}}/{_path}",
        _thread_action_route(_action),
        methods=["POST"],
        summary=_action_summary,
        name=f"api_discussions_thread_{_path}",
    )
