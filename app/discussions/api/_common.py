"""What the discussions API's routes share: the guard's 409 problem, and how categories,
authors, thread summaries and posts are serialized."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends

from app.discussions import service
from app.discussions.models import Category, Post, PostAttachment
from app.discussions.schemas import (
    AttachmentOut,
    AuthorOut,
    CategoryOut,
    FindingOut,
    PostOut,
    ReactionCountsOut,
    ThreadSummaryOut,
)
from app.guard.forms import problem_fields
from app.guard.service import GuardFinding, PassagesFound
from app.members.models import Member
from app.members.schemas import TopicOut
from app.web.pagination import PageRequest, page_request
from app.web.problems import problem

Page = Annotated[PageRequest, Depends(page_request)]


GUARD_RESPONSE: dict[int | str, dict[str, Any]] = {
    409: {
        "description": "The anonymisation guard found passages that may identify a child or "
        "family (listed in `findings`); nothing was saved. Send again with "
        '`"post_anyway": true` and a `guard_reason` to save anyway (recorded and queued for a '
        "moderator).",
        "content": {"application/problem+json": {}},
    }
}


def _findings(findings: list[GuardFinding]) -> list[dict[str, Any]]:
    return [FindingOut.model_validate(finding).model_dump() for finding in findings]


def _guarded(save: Callable[[], Any], out: Callable[[Any], Any]) -> Any:
    try:
        saved = save()
    except PassagesFound as found:
        status, detail, extra = problem_fields(found)
        return problem(status, detail, **extra)
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
        attachments=[attachment_out(item) for item in view.attachments],
    )


def attachment_out(item: PostAttachment) -> AttachmentOut:
    return AttachmentOut(
        id=item.id,
        filename=item.original_filename,
        file_type=item.file_type,
        content_type=item.content_type,
        size=item.size,
        is_image=item.is_image,
        alt_text=item.alt_text,
        download_url=f"/api/v1/discussions/attachments/{item.id}",
    )


def _saved_post(post: Post) -> dict[str, Any]:
    return {"id": post.id, "thread_id": post.thread_id, "number": post.number}
