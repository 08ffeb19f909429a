"""Rules about discussions: who may see a category, a thread and its posts, who may write,
edit, react, accept an answer, and moderate.

Visibility follows content.py: a thread's ``group_id`` (copied from its category) is NULL
for all members or names the one group that may see it. A member who may not see a thread
is told it does not exist (404), on its page, its posts and its API routes alike. A
deleted thread is seen by staff only, so that they can restore it. Staff (admins and
moderators) moderate every category for now; group moderators arrive with groups.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, true

from app.errors import Forbidden, InvalidAction, NotFound
from app.members.models import Member
from app.policy.content import may_see_group_content, visible_to_member_filter


def may_see_deleted_threads(member: Member) -> bool:
    """Staff still reach a deleted thread (by link), to restore it."""
    return member.is_staff


def visible_categories_filter(member: Member, category_model: Any) -> ColumnElement[bool]:
    return visible_to_member_filter(member, category_model.group_id)


def check_view_category_permission(member: Member, group_id: str | None) -> None:
    if not may_see_group_content(member, group_id):
        raise NotFound("There is no such category.")


def visible_threads_filter(member: Member, thread_model: Any) -> ColumnElement[bool]:
    """SQL twin of check_view_thread_permission, for every list of threads."""
    not_deleted = true() if may_see_deleted_threads(member) else thread_model.deleted_at.is_(None)
    return and_(visible_to_member_filter(member, thread_model.group_id), not_deleted)


def listed_threads_filter(member: Member, thread_model: Any) -> ColumnElement[bool]:
    """Lists leave deleted threads out, for staff too; staff reach them by link."""
    return and_(
        visible_to_member_filter(member, thread_model.group_id),
        thread_model.deleted_at.is_(None),
    )


def check_view_thread_permission(member: Member, thread: Any) -> None:
    if not may_see_group_content(member, thread.group_id):
        raise NotFound("There is no such thread.")
    if thread.deleted_at is not None and not may_see_deleted_threads(member):
        raise NotFound("There is no such thread.")


def check_start_thread_permission(member: Member, category: Any) -> None:
    check_view_category_permission(member, category.group_id)


def check_reply_permission(member: Member, thread: Any) -> None:
    check_view_thread_permission(member, thread)
    if thread.deleted_at is not None:
        raise InvalidAction("This thread has been deleted; it takes no replies.")
    if thread.lock_reason is not None:
        raise InvalidAction(
            f"This thread is locked, so it takes no new replies: {thread.lock_reason}"
        )


def check_edit_post_permission(member: Member, thread: Any, post: Any) -> None:
    check_view_thread_permission(member, thread)
    if post.deleted_at is not None:
        raise InvalidAction("This post has been deleted and cannot be edited.")
    if member.is_staff:
        return
    if post.author_id != member.id:
        raise Forbidden("Only the author of a post, or a moderator, can edit it.")
    if post.hidden_reason is not None:
        raise InvalidAction("A moderator has hidden this post; ask them to restore it first.")
    if thread.lock_reason is not None:
        raise InvalidAction("This thread is locked; its posts cannot be edited.")


def check_delete_post_permission(member: Member, thread: Any, post: Any) -> None:
    check_view_thread_permission(member, thread)
    if not member.is_staff and post.author_id != member.id:
        raise Forbidden("Only the author of a post, or a moderator, can delete it.")
    if post.deleted_at is not None:
        raise InvalidAction("This post is already deleted.")


def check_view_post_history_permission(member: Member, thread: Any, post: Any) -> None:
    check_view_thread_permission(member, thread)
    if not member.is_staff and post.author_id != member.id:
        raise Forbidden("Only the author of a post and moderators can see its edit history.")


def may_see_post_body(member: Member, post: Any) -> bool:
    """A hidden or deleted post shows its reason to everyone and its text to staff only."""
    return member.is_staff or (post.hidden_reason is None and post.deleted_at is None)


def check_react_permission(member: Member, thread: Any, post: Any) -> None:
    check_view_thread_permission(member, thread)
    if post.deleted_at is not None or post.hidden_reason is not None:
        raise InvalidAction("This post is hidden or deleted; it cannot take reactions.")
    if post.author_id == member.id:
        raise InvalidAction("You cannot react to your own post.")


def check_accept_answer_permission(member: Member, thread: Any) -> None:
    check_view_thread_permission(member, thread)
    if not member.is_staff and thread.author_id != member.id:
        raise Forbidden(
            "Only the member who asked the question, or a moderator, can accept an answer."
        )
    if not thread.is_question:
        raise InvalidAction(
            "This thread is a discussion, not a question; it has no answers to accept."
        )


def may_moderate_discussions(member: Member) -> bool:
    return member.is_staff


def check_moderate_discussions_permission(member: Member, thread: Any | None = None) -> None:
    """Pin, lock, move, hide, restore. 404 first if the member may not see the thread."""
    if thread is not None:
        check_view_thread_permission(member, thread)
    if not may_moderate_discussions(member):
        raise Forbidden("Only moderators can do that.")


def check_view_post_permission(member: Member, thread: Any, post: Any) -> None:
    """A deleted post does not exist for members; staff reach it to restore it."""
    check_view_thread_permission(member, thread)
    if post.deleted_at is not None and not may_moderate_discussions(member):
        raise NotFound("There is no such post.")


def may_manage_categories(member: Member) -> bool:
    return member.is_admin


def check_manage_categories_permission(member: Member) -> None:
    """Admins only; everyone else is told the page does not exist."""
    if not may_manage_categories(member):
        raise NotFound()


def may_see_post_attachment(member: Member, post: Any, attachment: Any) -> bool:
    """Whether a post's file is listed and downloadable for someone who may see the
    thread: exactly when they may read the post's text (a hidden or deleted post's files
    are for moderators), except that a file the anonymisation guard holds (a strong
    identifier in its text) is for its author and moderators until a moderator clears it."""
    if not may_see_post_body(member, post):
        return False
    return not attachment.guard_held or member.is_staff or post.author_id == member.id


def check_download_post_attachment_permission(
    member: Member, thread: Any, post: Any, attachment: Any
) -> None:
    """Downloads from the page and the API alike; 404 whenever the file is not for them,
    so a refusal does not reveal that it exists."""
    check_view_thread_permission(member, thread)
    if not may_see_post_attachment(member, post, attachment):
        raise NotFound("There is no such file.")


def check_use_unattached_upload_permission(member: Member, attachment: Any) -> None:
    """A file uploaded through the API and not yet attached to a post is its uploader's
    alone: to download, and to attach to their own post."""
    if attachment.uploaded_by_id != member.id:
        raise NotFound("There is no such file.")


def may_see_attachment_guard_findings(member: Member, post: Any) -> bool:
    """What the guard found in a post's document (the passages) is for the post's author
    and moderators, like a held file itself."""
    return may_moderate_discussions(member) or post.author_id == member.id


def check_release_post_attachment_permission(
    member: Member, thread: Any, post: Any, attachment: Any
) -> None:
    """Clearing the guard's hold on a post's file: moderators, having read the passages."""
    check_download_post_attachment_permission(member, thread, post, attachment)
    if not may_moderate_discussions(member):
        raise Forbidden("Only moderators can clear a file the anonymisation guard holds.")
    if not attachment.guard_held:
        raise InvalidAction("The anonymisation guard does not hold this file.")
