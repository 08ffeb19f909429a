"""The discussions part of the JSON API: categories, threads, posts, reactions, answers,
following, moderation, preview and quoting. Errors come out as problem JSON; a save the
anonymisation guard stopped is a 409 problem listing the findings, unless the body says
``"post_anyway": true``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from app.discussions import service
from app.discussions.models import Category, Post, Thread
from app.discussions.schemas import (
    AcceptBody,
    AuthorOut,
    CategoryOut,
    CategoryWrite,
    FindingOut,
    MoveBody,
    OptionalReason,
    PostCreate,
    PostOut,
    PostUpdate,
    PreviewBody,
    PreviewOut,
    QuoteBody,
    QuoteOut,
    ReactionBody,
    ReactionCountsOut,
    ReasonBody,
    RevisionOut,
    ThreadCreate,
    ThreadListOut,
    ThreadOut,
    ThreadPageOut,
    ThreadSummaryOut,
)
from app.guard.service import GuardFinding, PassagesFound
from app.members.models import Member
from app.members.schemas import TopicOut
from app.web.deps import CurrentMember, DbSession
from app.web.pagination import PageRequest, page_request
from app.web.problems import problem

router = APIRouter(prefix="/api/v1/discussions", tags=["discussions"])
Page = Annotated[PageRequest, Depends(page_request)]

GUARD_RESPONSE: dict[int | str, dict[str, Any]] = {
    409: {
        "description": "The anonymisation guard found passages that may identify a child or "
        "family (listed in `findings`); nothing was saved. Send again with "
        '`"post_anyway": true` to save anyway (recorded).',
        "content": {"application/problem+json": {}},
    }
}


def _findings(findings: list[GuardFinding]) -> list[dict[str, Any]]:
    return [FindingOut.model_validate(finding).model_dump() for finding in findings]


def _guarded(save: Callable[[], Any], out: Callable[[Any], Any]) -> Any:
    try:
        saved = save()
    except PassagesFound as found:
        return problem(
            409,
            "The text may identify a child or family; nothing was saved. Edit it, or send "
            'it again with "post_anyway": true.',
            findings=_findings(found.findings),
        )
    return out(saved)


def author_out(person: Member | None) -> AuthorOut:
    if person is None:
        return AuthorOut(
            id=None, display_name="A former member", is_champion=False, organisation=None
        )
    return AuthorOut(
        id=person.id,
        display_name=person.display_name,
        is_champion=person.is_champion,
        organisation=person.organisation.name if person.organisation else None,
    )


def category_out(category: Category, *, count: int = 0, following: bool = False) -> CategoryOut:
    return CategoryOut(
        id=category.id,
        slug=category.slug,
        name=category.name,
        description=category.description,
        position=category.position,
        topics=[TopicOut.model_validate(topic) for topic in category.topics],
        thread_count=count,
        following=following,
    )


def _summary(listing: service.ThreadListing) -> ThreadSummaryOut:
    thread = listing.thread
    return ThreadSummaryOut(
        id=thread.id,
        title=thread.title,
        category_id=thread.category_id,
        category_name=thread.category.name,
        author=author_out(thread.author),
        is_question=thread.is_question,
        is_answered=thread.is_answered,
        is_pinned=thread.is_pinned,
        is_locked=thread.is_locked,
        reply_count=thread.reply_count,
        created_at=thread.created_at,
        last_post_at=thread.last_post_at,
        unread=listing.unread,
        new_replies=listing.new_replies,
    )


def post_out(view: service.PostView) -> PostOut:
    post = view.post
    return PostOut(
        id=post.id,
        number=post.number,
        author=author_out(post.author),
        created_at=post.created_at,
        edited_at=post.edited_at,
        edit_count=post.edit_count,
        is_hidden=post.is_hidden,
        hidden_reason=post.hidden_reason,
        is_deleted=post.is_deleted,
        body_html=post.body_html if view.show_body else None,
        body_markdown=post.body_markdown if view.show_body else None,
        is_accepted_answer=view.is_accepted,
        reactions=ReactionCountsOut(
            helpful=view.helpful, thanks=view.thanks, mine=sorted(view.mine)
        ),
    )


def _saved_post(post: Post) -> dict[str, Any]:
    return {"id": post.id, "thread_id": post.thread_id, "number": post.number}


# --- categories ------------------------------------------------------------------------------


@router.get("/categories", response_model=list[CategoryOut], summary="Categories you may see")
def list_categories(db: DbSession, member: CurrentMember) -> list[CategoryOut]:
    return [
        category_out(listing.category, count=listing.thread_count, following=listing.following)
        for listing in service.list_categories(db, viewer=member)
    ]


@router.post(
    "/categories", response_model=CategoryOut, status_code=201, summary="Add a category (admins)"
)
def create_category(db: DbSession, member: CurrentMember, body: CategoryWrite) -> CategoryOut:
    return category_out(service.create_category(db, actor=member, data=body))


@router.put(
    "/categories/{category_id}", response_model=CategoryOut, summary="Change a category (admins)"
)
def update_category(
    db: DbSession, member: CurrentMember, category_id: str, body: CategoryWrite
) -> CategoryOut:
    return category_out(
        service.update_category(db, actor=member, category_id=category_id, data=body)
    )


@router.put(
    "/categories/{category_id}/follow",
    status_code=204,
    response_class=Response,
    summary="Follow a category",
)
def follow_category(db: DbSession, member: CurrentMember, category_id: str) -> Response:
    service.follow_category(db, actor=member, category_id=category_id, follow=True)
    return Response(status_code=204)


@router.delete(
    "/categories/{category_id}/follow",
    status_code=204,
    response_class=Response,
    summary="Stop following a category",
)
def unfollow_category(db: DbSession, member: CurrentMember, category_id: str) -> Response:
    service.follow_category(db, actor=member, category_id=category_id, follow=False)
    return Response(status_code=204)


# --- threads ---------------------------------------------------------------------------------


@router.get(
    "/threads",
    response_model=ThreadListOut,
    summary="Threads you may see, 25 a page: all, unanswered, new since your last visit, or "
    "those you follow",
)
def list_threads(
    db: DbSession,
    member: CurrentMember,
    page: Page,
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
        offset=page.offset,
        limit=page.size,
    )
    return ThreadListOut(
        total=browse.total,
        offset=page.offset,
        limit=page.size,
        threads=[_summary(listing) for listing in browse.threads],
    )


@router.post(
    "/threads",
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


# --- posts -----------------------------------------------------------------------------------


@router.patch(
    "/posts/{post_id}",
    responses=GUARD_RESPONSE,
    summary="Edit a post (the author or a moderator); the previous text is kept",
)
def edit_post(db: DbSession, member: CurrentMember, post_id: str, body: PostUpdate) -> Any:
    return _guarded(
        lambda: service.edit_post(db, actor=member, post_id=post_id, data=body), _saved_post
    )


@router.delete(
    "/posts/{post_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a post (soft); the opening post deletes the thread",
)
def delete_post(db: DbSession, member: CurrentMember, post_id: str) -> Response:
    service.delete_post(db, actor=member, post_id=post_id)
    return Response(status_code=204)


@router.get(
    "/posts/{post_id}/revisions",
    response_model=list[RevisionOut],
    summary="A post's earlier versions, newest first (the author and moderators)",
)
def revisions(db: DbSession, member: CurrentMember, post_id: str) -> list[RevisionOut]:
    found = service.post_history(db, viewer=member, post_id=post_id)
    return [
        RevisionOut(
            title=revision.title,
            body_markdown=revision.body_markdown,
            written_at=revision.written_at,
            replaced_at=revision.replaced_at,
            replaced_by=revision.replaced_by.display_name
            if revision.replaced_by
            else "A former member",
        )
        for revision in found.revisions
    ]


@router.post(
    "/posts/{post_id}/reactions",
    status_code=204,
    response_class=Response,
    summary="Mark a post helpful or thank its author (once each)",
)
def add_reaction(
    db: DbSession, member: CurrentMember, post_id: str, body: ReactionBody
) -> Response:
    service.react(db, actor=member, post_id=post_id, kind=body.kind, on=True)
    return Response(status_code=204)


@router.delete(
    "/posts/{post_id}/reactions/{kind}",
    status_code=204,
    response_class=Response,
    summary="Take back a reaction",
)
def remove_reaction(db: DbSession, member: CurrentMember, post_id: str, kind: str) -> Response:
    service.react(db, actor=member, post_id=post_id, kind=kind, on=False)
    return Response(status_code=204)


@router.post(
    "/posts/{post_id}/hide", summary="Hide a post with a reason shown instead (moderators)"
)
def hide_post(
    db: DbSession, member: CurrentMember, post_id: str, body: ReasonBody
) -> dict[str, Any]:
    post = service.hide_post(db, actor=member, post_id=post_id, reason=body.reason)
    return {**_saved_post(post), "hidden_reason": post.hidden_reason}


@router.post("/posts/{post_id}/restore", summary="Restore a hidden or deleted post (moderators)")
def restore_post(
    db: DbSession, member: CurrentMember, post_id: str, body: OptionalReason
) -> dict[str, Any]:
    return _saved_post(service.restore_post(db, actor=member, post_id=post_id, reason=body.reason))


@router.post(
    "/posts/{post_id}/quote",
    response_model=QuoteOut,
    summary="Markdown quoting a post, or part of it, to start a reply with",
)
def quote_post(db: DbSession, member: CurrentMember, post_id: str, body: QuoteBody) -> QuoteOut:
    return QuoteOut(markdown=service.quote(db, viewer=member, post_id=post_id, part=body.part))


@router.post(
    "/preview",
    response_model=PreviewOut,
    summary="Render Markdown as a post would be shown, with the guard's findings; saves nothing",
)
def preview(member: CurrentMember, body: PreviewBody) -> PreviewOut:
    shown = service.preview(body=body.body, title=body.title or None)
    return PreviewOut(html=shown.html, findings=_findings(shown.findings))  # type: ignore[arg-type]
