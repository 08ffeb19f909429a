"""Writing: previewing, starting threads, replying, editing (with revisions), deleting and
quoting. Text goes through the anonymisation guard (app/guard) before it is saved."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.audit import service as audit
from app.db import utcnow
from app.discussions.markdown import quote_markdown, render_markdown
from app.discussions.models import Category, Post, PostAttachment, PostRevision, Thread
from app.discussions.schemas import PostCreate, PostUpdate, ThreadCreate
from app.discussions.service._common import (
    _follow_thread,
    _load_post,
    _load_thread,
    _mark_read,
    _thread_label,
    _topics_for,
)
from app.discussions.service.attachments import (
    Attaching,
    add_attachments,
    claim_uploads,
    stage_attachments,
    unclaimed_uploads,
)
from app.discussions.service.kept_attachments import (
    KeptAttaching,
    attach_kept_files,
    check_kept_files,
    kept_files,
    next_attachment_position,
)
from app.discussions.service.post_notifications import (
    _category_followers,
    _mentioned_members,
    _notify_about_post,
    _thread_followers,
)
from app.errors import InvalidAction, InvalidInput, NotFound
from app.guard.service import (
    GuardFinding,
    GuardSubject,
    Override,
    check_before_saving,
    guard_findings,
    record_override,
)
from app.members.models import Member
from app.notifications.kinds import NotificationKind
from app.outbox.sync import enqueue_sync
from app.policy import (
    check_delete_post_permission,
    check_edit_post_permission,
    check_reply_permission,
    check_start_thread_permission,
    check_view_post_history_permission,
    may_see_post_body,
)
from app.topics.models import Topic


@dataclass(frozen=True)
class Preview:
    html: str
    findings: list[GuardFinding]


def preview(*, body: str, title: str | None = None) -> Preview:
    """What a post would look like, and what the guard finds in it; nothing is saved."""
    return Preview(html=render_markdown(body), findings=guard_findings(body=body, title=title))


def _post_subject(thread: Thread, post: Post) -> GuardSubject:
    label = _thread_label(thread) if post.number == 1 else f"Post {post.number} in "
    if post.number != 1:
        label += _thread_label(thread)
    return GuardSubject(
        type="post",
        id=post.id,
        label=label,
        url=f"/discussions/t/{thread.id}#post-{post.number}",
        group_id=thread.group_id,
    )


def _alt_texts(attaching: Attaching | None, kept: KeptAttaching | None) -> dict[str, str]:
    return {**(attaching.alt_texts() if attaching else {}), **(kept.alt_texts() if kept else {})}


def start_thread(
    db: Session,
    *,
    actor: Member,
    data: ThreadCreate,
    attaching: Attaching | None = None,
    kept: KeptAttaching | None = None,
) -> Thread:
    """The thread and its opening post, with ``attaching``'s files and ``kept``'s if any:
    all of it is saved, or nothing (a refused file leaves no row and no stored file
    behind; a kept file stays kept for the form shown again)."""
    category = db.execute(
        select(Category).where(Category.id == data.category_id)
    ).scalar_one_or_none()
    if category is None:
        raise InvalidInput({"category_id": "Choose a category for your thread."})
    try:
        check_start_thread_permission(actor, category)
    except NotFound:
        raise InvalidInput({"category_id": "Choose a category for your thread."}) from None
    topics = _topics_for(db, data.topics)
    override = check_before_saving(
        {"title": data.title, "body": data.body, **_alt_texts(attaching, kept)},
        post_anyway=data.post_anyway,
        reason=data.guard_reason,
    )
    uploads = unclaimed_uploads(db, actor=actor, attachment_ids=data.attachment_ids)
    kept_rows = kept_files(db, kept)
    check_kept_files(kept_rows, already=len(uploads) + len(attaching.files if attaching else []))
    checked = stage_attachments(attaching)
    try:
        thread, opening = _save_thread(db, actor, data, category, topics, override)
        claim_uploads(db, post=opening, uploads=uploads, start=0)
        attach_kept_files(db, post=opening, actor=actor, files=kept_rows, start=len(uploads))
        if checked is not None and attaching is not None:
            add_attachments(db, post=opening, actor=actor, attaching=attaching, checked=checked)
            checked.keep()
    except BaseException:
        if checked is not None:
            checked.discard()
        raise
    return thread


def _save_thread(
    db: Session,
    actor: Member,
    data: ThreadCreate,
    category: Category,
    topics: list[Topic],
    override: Override | None,
) -> tuple[Thread, Post]:
    mentioned = _mentioned_members(db, data.body)
    now = utcnow()
    thread = Thread(
        category_id=category.id,
        author_id=actor.id,
        title=data.title,
        group_id=category.group_id,
        is_question=data.is_question,
        topics=topics,
        last_post_number=1,
        reply_count=0,
        created_at=now,
        last_post_at=now,
    )
    db.add(thread)
    db.flush()
    opening = Post(
        thread_id=thread.id,
        number=1,
        author_id=actor.id,
        body_markdown=data.body,
        body_html=render_markdown(data.body),
        created_at=now,
        guard_override=override.as_record() if override else None,
    )
    db.add(opening)
    db.flush()
    _follow_thread(db, actor, thread.id)
    _mark_read(db, actor, thread.id, 1)
    _notify_about_post(
        db,
        actor=actor,
        thread=thread,
        post=opening,
        mentioned=mentioned,
        followers=_category_followers(thread),
        followers_kind=NotificationKind.NEW_THREAD,
    )
    enqueue_sync(db, kind="thread", id=thread.id)
    record_override(db, actor=actor, subject=_post_subject(thread, opening), override=override)
    return thread, opening


def reply(
    db: Session,
    *,
    actor: Member,
    thread_id: str,
    data: PostCreate,
    attaching: Attaching | None = None,
    kept: KeptAttaching | None = None,
) -> Post:
    """The reply, with ``attaching``'s files and ``kept``'s if any: all of it is saved, or
    nothing."""
    thread = _load_thread(db, actor, thread_id, for_update=True)
    check_reply_permission(actor, thread)
    override = check_before_saving(
        {"body": data.body, **_alt_texts(attaching, kept)},
        post_anyway=data.post_anyway,
        reason=data.guard_reason,
    )
    uploads = unclaimed_uploads(db, actor=actor, attachment_ids=data.attachment_ids)
    kept_rows = kept_files(db, kept)
    check_kept_files(kept_rows, already=len(uploads) + len(attaching.files if attaching else []))
    checked = stage_attachments(attaching)
    try:
        post = _save_reply(db, actor, thread, data, override)
        claim_uploads(db, post=post, uploads=uploads, start=0)
        attach_kept_files(db, post=post, actor=actor, files=kept_rows, start=len(uploads))
        if checked is not None and attaching is not None:
            add_attachments(db, post=post, actor=actor, attaching=attaching, checked=checked)
            checked.keep()
    except BaseException:
        if checked is not None:
            checked.discard()
        raise
    return post


def _save_reply(
    db: Session, actor: Member, thread: Thread, data: PostCreate, override: Override | None
) -> Post:
    mentioned = _mentioned_members(db, data.body)
    now = utcnow()
    number = thread.last_post_number + 1
    post = Post(
        thread_id=thread.id,
        number=number,
        author_id=actor.id,
        body_markdown=data.body,
        body_html=render_markdown(data.body),
        created_at=now,
        guard_override=override.as_record() if override else None,
    )
    db.add(post)
    thread.last_post_number = number
    thread.reply_count += 1
    thread.last_post_at = now
    db.flush()
    _notify_about_post(
        db,
        actor=actor,
        thread=thread,
        post=post,
        mentioned=mentioned,
        followers=_thread_followers(thread),
    )
    _follow_thread(db, actor, thread.id)
    _mark_read(db, actor, thread.id, number)
    enqueue_sync(db, kind="post", id=post.id)
    record_override(db, actor=actor, subject=_post_subject(thread, post), override=override)
    return post


def edit_post(
    db: Session,
    *,
    actor: Member,
    post_id: str,
    data: PostUpdate,
    kept: KeptAttaching | None = None,
) -> Post:
    """The new text, and files added (``data.attachment_ids``, ``kept``) or removed
    (``data.remove_attachment_ids``): a removed file is gone from the post and its
    download at once. The text before is kept as a revision, as for any edit."""
    post, thread = _load_post(db, actor, post_id)
    check_edit_post_permission(actor, thread, post)
    if data.title is not None and post.number != 1:
        raise InvalidInput({"title": "Only the opening post carries the thread's title."})
    current = list(
        db.execute(select(PostAttachment).where(PostAttachment.post_id == post.id)).scalars()
    )
    removing = _attachments_to_remove(current, data.remove_attachment_ids)
    new_title = data.title if post.number == 1 and data.title is not None else thread.title
    uploads = unclaimed_uploads(db, actor=actor, attachment_ids=data.attachment_ids)
    kept_rows = kept_files(db, kept)
    check_kept_files(kept_rows, already=len(current) - len(removing) + len(uploads))
    if (
        new_title == thread.title
        and data.body == post.body_markdown
        and not (removing or uploads or kept_rows)
    ):
        return post
    override = check_before_saving(
        {
            "title": new_title if post.number == 1 else "",
            "body": data.body,
            **{f"alt_text_{item.choice.slot}": item.choice.alt_text.strip() for item in kept_rows},
        },
        post_anyway=data.post_anyway,
        reason=data.guard_reason,
    )
    mentioned = _mentioned_members(db, data.body, previous=post.body_markdown)
    now = utcnow()
    db.add(
        PostRevision(
            post_id=post.id,
            title=thread.title if post.number == 1 else None,
            body_markdown=post.body_markdown,
            written_at=post.edited_at or post.created_at,
            replaced_at=now,
            replaced_by_id=actor.id,
        )
    )
    post.body_markdown = data.body
    post.body_html = render_markdown(data.body)
    post.edited_at = now
    post.edit_count += 1
    post.guard_override = override.as_record() if override else None
    thread.title = new_title
    for attachment in removing:
        db.delete(attachment)
    db.flush()
    start = next_attachment_position(db, post)
    claim_uploads(db, post=post, uploads=uploads, start=start)
    added = attach_kept_files(
        db, post=post, actor=actor, files=kept_rows, start=start + len(uploads)
    )
    _notify_about_post(db, actor=actor, thread=thread, post=post, mentioned=mentioned)
    if post.number == 1:
        enqueue_sync(db, kind="thread", id=thread.id)
    else:
        enqueue_sync(db, kind="post", id=post.id)
    record_override(db, actor=actor, subject=_post_subject(thread, post), override=override)
    if post.author_id != actor.id:
        audit.record(
            db,
            actor=actor,
            action="post_edited_by_moderator",
            subject=post.author,
            subject_label=f"Post {post.number} in {_thread_label(thread)}"[:200],
            before={"files": [item.original_filename for item in removing]} if removing else {},
            after={"files": [item.original_filename for item in uploads + added]}
            if uploads or added
            else {},
        )
    return post


def _attachments_to_remove(
    current: list[PostAttachment], wanted_ids: list[str]
) -> list[PostAttachment]:
    by_id = {item.id: item for item in current}
    unknown = [item_id for item_id in wanted_ids if item_id not in by_id]
    if unknown:
        raise InvalidInput(
            {"remove_attachment_ids": f"{unknown[0]} is not a file attached to this post."}
        )
    return [by_id[item_id] for item_id in dict.fromkeys(wanted_ids)]


@dataclass(frozen=True)
class PostHistory:
    post: Post
    thread: Thread
    revisions: list[PostRevision]


def post_history(db: Session, *, viewer: Member, post_id: str) -> PostHistory:
    post, thread = _load_post(db, viewer, post_id)
    check_view_post_history_permission(viewer, thread, post)
    revisions = list(
        db.execute(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .options(joinedload(PostRevision.replaced_by))
            .order_by(PostRevision.replaced_at.desc(), PostRevision.id.desc())
        ).scalars()
    )
    return PostHistory(post, thread, revisions)


def post_to_delete(db: Session, *, actor: Member, post_id: str) -> tuple[Post, Thread]:
    """What a confirmation page names before delete_post: the same checks."""
    post, thread = _load_post(db, actor, post_id)
    check_delete_post_permission(actor, thread, post)
    return post, thread


def delete_post(db: Session, *, actor: Member, post_id: str, reason: str | None = None) -> Post:
    """Soft delete. Deleting the opening post deletes the whole thread."""
    post, thread = _load_post(db, actor, post_id)
    check_delete_post_permission(actor, thread, post)
    if post.number == 1:
        _delete_thread(db, actor, thread, post.author, reason)
        return post
    post.deleted_at = utcnow()
    post.deleted_by_id = actor.id
    thread.reply_count = max(0, thread.reply_count - 1)
    before_accepted = thread.accepted_post_id
    if thread.accepted_post_id == post.id:
        thread.accepted_post_id = None
    db.flush()
    enqueue_sync(db, kind="post", id=post.id)
    if post.author_id != actor.id:
        audit.record(
            db,
            actor=actor,
            action="post_deleted",
            subject=post.author,
            subject_label=f"Post {post.number} in {_thread_label(thread)}"[:200],
            reason=reason,
            before={"accepted_post_id": before_accepted} if before_accepted == post.id else {},
        )
    return post


def _delete_thread(
    db: Session, actor: Member, thread: Thread, author: Member | None, reason: str | None
) -> None:
    if thread.deleted_at is not None:
        raise InvalidAction("This thread is already deleted.")
    thread.deleted_at = utcnow()
    thread.deleted_by_id = actor.id
    db.flush()
    enqueue_sync(db, kind="thread", id=thread.id)
    if thread.author_id != actor.id:
        audit.record(
            db,
            actor=actor,
            action="thread_deleted",
            subject=author,
            subject_label=_thread_label(thread),
            reason=reason,
        )


def quote(db: Session, *, viewer: Member, post_id: str, part: str | None = None) -> str:
    """Markdown quoting a post, or only ``part`` of it, for a reply. Only text the post
    really holds can be quoted, so a quote cannot put words in someone's mouth."""
    post, _thread = _load_post(db, viewer, post_id)
    if not may_see_post_body(viewer, post) or post.is_hidden or post.is_deleted:
        raise InvalidAction("A hidden or deleted post cannot be quoted.")
    text = post.body_markdown
    if part is not None and part.strip():
        wanted = part.replace("\r\n", "\n").strip()
        if wanted not in text:
            raise InvalidInput({"part": "Quote only text that is in the post."})
        text = wanted
    name = post.author.display_name if post.author else "A former member"
    return quote_markdown(text, name)
