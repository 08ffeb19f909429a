"""What a report is about: a thread, post, resource or event the reporter may see, with the
label, link, group and author the report keeps."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.discussions.models import Post, Thread
from app.errors import NotFound
from app.events.models import Event
from app.members.models import Member
from app.moderation.models import ReportTarget
from app.policy import check_view_event_permission, check_view_thread_permission
from app.policy.discussions import check_view_post_permission
from app.resources import service as resources


@dataclass(frozen=True)
class Target:
    label: str
    url: str
    group_id: str | None
    author_id: str | None


def _thread_target(db: Session, viewer: Member, thread_id: str) -> Target:
    thread = db.get(Thread, thread_id)
    if thread is None:
        raise NotFound("There is no such thread.")
    check_view_thread_permission(viewer, thread)
    return Target(
        label=f"Thread “{thread.title}”"[:200],
        url=f"/discussions/t/{thread.id}",
        group_id=thread.group_id,
        author_id=thread.author_id,
    )


def _post_target(db: Session, viewer: Member, post_id: str) -> Target:
    post = db.get(Post, post_id)
    thread = db.get(Thread, post.thread_id) if post is not None else None
    if post is None or thread is None:
        raise NotFound("There is no such post.")
    check_view_post_permission(viewer, thread, post)
    where = "the opening post" if post.number == 1 else f"reply {post.number - 1}"
    return Target(
        label=f"Post: {where} in “{thread.title}”"[:200],
        url=f"/discussions/p/{post.id}",
        group_id=thread.group_id,
        author_id=post.author_id,
    )


def _resource_target(db: Session, viewer: Member, resource_id: str) -> Target:
    resource = resources.get_resource(db, viewer=viewer, resource_id=resource_id)
    return Target(
        label=f"Resource “{resource.title}”"[:200],
        url=f"/resources/{resource.id}",
        group_id=resource.group_id,
        author_id=resource.owner_id,
    )


def _event_target(db: Session, viewer: Member, event_id: str) -> Target:
    event = db.get(Event, event_id)
    if event is None:
        raise NotFound("There is no such event.")
    check_view_event_permission(viewer, event)
    return Target(
        label=f"Event “{event.title}”"[:200],
        url=f"/events/{event.id}",
        group_id=event.group_id,
        author_id=event.organiser_id,
    )


_TARGETS = {
    ReportTarget.THREAD: _thread_target,
    ReportTarget.POST: _post_target,
    ReportTarget.RESOURCE: _resource_target,
    ReportTarget.EVENT: _event_target,
}


def _parse_kind(kind: str) -> ReportTarget:
    try:
        return ReportTarget(kind)
    except ValueError:
        raise NotFound("There is nothing of that kind to report.") from None


def reportable(db: Session, *, viewer: Member, kind: str, target_id: str) -> Target:
    """What the report form is about; 404 when it does not exist or the member may not
    see it."""
    return _TARGETS[_parse_kind(kind)](db, viewer, target_id)
