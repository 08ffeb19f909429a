"""A member's discussions: threads they started, their posts and the earlier versions of
them, their reactions and what they follow.

Erasure keeps their posts readable under "A former member" (the author goes with the
member's row), unless the admin chooses to remove their content: then each post's text is
emptied and the post deleted, with its earlier versions, and a thread they started with no
one else's replies is deleted too (docs/privacy.md)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select, delete, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from app.db import utcnow
from app.discussions.models import (
    Category,
    CategoryFollow,
    Post,
    PostAttachment,
    PostRevision,
    Reaction,
    Thread,
    ThreadFollow,
)
from app.outbox.sync import enqueue_sync_many
from app.privacy.kinds import (
    ErasureContext,
    ExportFile,
    PersonalData,
    Row,
    StoredFile,
    columns_of,
)

STREAMED = {"yield_per": 500}


def thread_rows(db: Session, member_id: str) -> Iterator[Row]:
    query = (
        select(Thread, Category.name)
        .join(Category, Category.id == Thread.category_id)
        .where(Thread.author_id == member_id)
        .order_by(Thread.created_at)
        .execution_options(**STREAMED)
    )
    for thread, category in db.execute(query):
        yield {
            **columns_of(thread, "id", "title", "is_question", "created_at", "deleted_at"),
            "category": category,
        }


POST_COLUMNS = (
    Post.id,
    Post.thread_id,
    Post.number,
    Post.body_markdown,
    Post.created_at,
    Post.edited_at,
    Post.hidden_reason,
    Post.deleted_at,
)


def post_rows(db: Session, member_id: str) -> Iterator[Row]:
    """Plain rows, not ORM objects: a member may have written thousands of posts, and the
    session would otherwise keep every one it loaded."""
    query = (
        select(*POST_COLUMNS, Thread.title.label("thread_title"))
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == member_id)
        .order_by(Post.created_at, Post.id)
        .execution_options(**STREAMED)
    )
    for row in db.execute(query):
        yield dict(row._mapping)


def revision_rows(db: Session, member_id: str) -> Iterator[Row]:
    query = (
        select(PostRevision)
        .join(Post, Post.id == PostRevision.post_id)
        .where(Post.author_id == member_id)
        .order_by(PostRevision.post_id, PostRevision.id)
        .execution_options(**STREAMED)
    )
    for revision in db.execute(query).scalars():
        yield columns_of(revision, "post_id", "title", "body_markdown", "written_at", "replaced_at")


def reaction_rows(db: Session, member_id: str) -> Iterator[Row]:
    query = (
        select(Reaction)
        .where(Reaction.member_id == member_id)
        .order_by(Reaction.created_at)
        .execution_options(**STREAMED)
    )
    for reaction in db.execute(query).scalars():
        yield columns_of(reaction, "post_id", "kind", "created_at")


def follow_rows(db: Session, member_id: str) -> Iterator[Row]:
    threads = (
        select(ThreadFollow, Thread.title)
        .join(Thread, Thread.id == ThreadFollow.thread_id)
        .where(ThreadFollow.member_id == member_id)
        .order_by(ThreadFollow.created_at)
    )
    for follow, title in db.execute(threads):
        yield {
            "follows": "thread",
            "id": follow.thread_id,
            "title": title,
            "since": follow.created_at,
        }
    categories = (
        select(CategoryFollow, Category.name)
        .join(Category, Category.id == CategoryFollow.category_id)
        .where(CategoryFollow.member_id == member_id)
        .order_by(CategoryFollow.created_at)
    )
    for category_follow, name in db.execute(categories):
        yield {
            "follows": "category",
            "id": category_follow.category_id,
            "title": name,
            "since": category_follow.created_at,
        }


def count_posts(db: Session, member_id: str) -> int:
    return int(
        db.execute(
            select(func.count()).select_from(Post).where(Post.author_id == member_id)
        ).scalar_one()
    )


def erase(db: Session, context: ErasureContext) -> None:
    member_id = context.member_id
    db.execute(delete(ThreadFollow).where(ThreadFollow.member_id == member_id))
    db.execute(delete(CategoryFollow).where(CategoryFollow.member_id == member_id))
    if not context.remove_content:
        return
    now = utcnow()
    post_ids = list(db.execute(select(Post.id).where(Post.author_id == member_id)).scalars())
    if post_ids:
        db.execute(delete(PostRevision).where(PostRevision.post_id.in_(post_ids)))
        db.execute(
            update(Post)
            .where(Post.author_id == member_id)
            .values(
                body_markdown="",
                body_html="<p>Removed.</p>",
                guard_override=None,
                deleted_at=func.coalesce(Post.deleted_at, now),
                deleted_by_id=context.actor_id,
            )
        )
    others = aliased(Post)
    alone = ~exists().where(
        others.thread_id == Thread.id,
        others.author_id.is_distinct_from(member_id),
    )
    thread_ids = list(
        db.execute(select(Thread.id).where(Thread.author_id == member_id, alone)).scalars()
    )
    if thread_ids:
        db.execute(
            update(Thread)
            .where(Thread.id.in_(thread_ids))
            .values(title="Removed thread", deleted_at=func.coalesce(Thread.deleted_at, now))
        )
    started = list(db.execute(select(Thread.id).where(Thread.author_id == member_id)).scalars())
    enqueue_sync_many(db, kind="thread", ids=sorted(set(started) | set(thread_ids)))
    enqueue_sync_many(db, kind="post", ids=post_ids)


def _attachments(member_id: str) -> Select[tuple[PostAttachment]]:
    return (
        select(PostAttachment)
        .where(PostAttachment.uploaded_by_id == member_id, PostAttachment.post_id.is_not(None))
        .order_by(PostAttachment.created_at, PostAttachment.id)
    )


def attachment_rows(db: Session, member_id: str) -> Iterator[Row]:
    for attachment in db.execute(_attachments(member_id)).scalars():
        yield {
            **columns_of(
                attachment,
                "post_id",
                "original_filename",
                "file_type",
                "size",
                "alt_text",
                "created_at",
            ),
            "in_export_as": f"files/attachments/{attachment.id}/{attachment.original_filename}",
        }


def attachment_files(db: Session, member_id: str) -> Iterator[StoredFile]:
    for attachment in db.execute(_attachments(member_id)).scalars():
        yield StoredFile(
            path=f"files/attachments/{attachment.id}/{attachment.original_filename}",
            storage_key=attachment.storage_key,
        )


PERSONAL_DATA = PersonalData(
    domain="discussions",
    files=(
        ExportFile("threads.json", "The discussion threads you started.", thread_rows),
        ExportFile(
            "posts.json",
            "Everything you wrote in discussions (the Markdown you typed), with its thread.",
            post_rows,
        ),
        ExportFile(
            "post_revisions.json",
            "Earlier versions of your posts, kept when a post was edited.",
            revision_rows,
        ),
        ExportFile("reactions.json", "Your reactions (helpful, thanks) to posts.", reaction_rows),
        ExportFile("follows.json", "The threads and categories you follow.", follow_rows),
        ExportFile(
            "post_attachments.json",
            "Files and images you attached to your posts, with their alt text.",
            attachment_rows,
        ),
    ),
    stored_files=attachment_files,
    stored_files_explanation="files/attachments/: a copy of each file in post_attachments.json.",
    erase=erase,
    count=count_posts,
)
