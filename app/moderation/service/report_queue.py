"""The moderation queue and one report with the others about the same content."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import nh3
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.discussions.models import Post, Thread
from app.events.models import Event
from app.keyset import CappedCount, Cursor, KeysetPage, capped_count, keyset_page
from app.members.models import Member
from app.moderation.models import Report, ReportStatus, ReportTarget
from app.moderation.service._common import _load_report
from app.policy import (
    check_use_moderation_queue_permission,
    moderated_group_ids,
    visible_reports_filter,
)
from app.policy.moderation import may_act_on_reports
from app.resources.models import Resource, ResourceStatus


@dataclass(frozen=True)
class Queue:
    reports: list[Report]
    total: CappedCount
    open_count: int
    may_act: bool
    page: KeysetPage[Any]
    excerpts: dict[str, str] = field(default_factory=dict)
    """Report id → the start of the reported text, so the queue can be read without
    opening each report."""


EXCERPT_LENGTH = 240


def _plain(markup: str | None) -> str:
    text = " ".join(html.unescape(nh3.clean(markup or "", tags=set())).split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1].rstrip() + "…"


def _excerpts(db: Session, reports: list[Report]) -> dict[str, str]:
    """The reported text of a page of reports in at most four queries, whatever its size."""

    def ids(kind: ReportTarget) -> list[str]:
        return [r.target_id for r in reports if r.target_kind == kind]

    texts: dict[tuple[ReportTarget, str], str] = {}
    for post_id, body_html in db.execute(
        select(Post.id, Post.body_html).where(Post.id.in_(ids(ReportTarget.POST)))
    ):
        texts[(ReportTarget.POST, post_id)] = _plain(body_html)
    for thread_id, body_html in db.execute(
        select(Post.thread_id, Post.body_html).where(
            Post.thread_id.in_(ids(ReportTarget.THREAD)), Post.number == 1
        )
    ):
        texts[(ReportTarget.THREAD, thread_id)] = _plain(body_html)
    for resource_id, summary in db.execute(
        select(Resource.id, Resource.summary).where(Resource.id.in_(ids(ReportTarget.RESOURCE)))
    ):
        texts[(ReportTarget.RESOURCE, resource_id)] = _plain(summary)
    for event_id, description_html in db.execute(
        select(Event.id, Event.description_html).where(Event.id.in_(ids(ReportTarget.EVENT)))
    ):
        texts[(ReportTarget.EVENT, event_id)] = _plain(description_html)
    return {
        r.id: texts[(r.target_kind, r.target_id)]
        for r in reports
        if texts.get((r.target_kind, r.target_id))
    }


QUEUE_STATUSES = ("open", "closed", "all")


def queue(db: Session, *, actor: Member, status: str, cursor: Cursor | None, limit: int) -> Queue:
    """Open reports oldest first (first come, first handled); closed ones newest first."""
    groups = moderated_group_ids(db, actor)
    check_use_moderation_queue_permission(actor, groups)
    visible = visible_reports_filter(actor, Report)
    conditions = [visible]
    if status == "open":
        conditions.append(Report.status == ReportStatus.OPEN)
    elif status == "closed":
        conditions.append(Report.status != ReportStatus.OPEN)
    total = capped_count(db, select(Report.id).where(*conditions))
    open_count = db.execute(
        select(func.count()).select_from(Report).where(visible, Report.status == ReportStatus.OPEN)
    ).scalar_one()
    page = keyset_page(
        db,
        select(Report)
        .where(*conditions)
        .options(selectinload(Report.reporter), selectinload(Report.author)),
        keys=[Report.created_at, Report.id],
        descending=status != "open",
        cursor=cursor,
        limit=limit,
    )
    reports = [row[0] for row in page.items]
    return Queue(
        reports,
        total,
        open_count,
        may_act=may_act_on_reports(actor),
        page=page,
        excerpts=_excerpts(db, reports),
    )


@dataclass(frozen=True)
class ReportDetail:
    report: Report
    others: list[Report]
    may_act: bool
    content_hidden: bool


def _content_hidden(db: Session, report: Report) -> bool:
    if report.target_kind == ReportTarget.THREAD:
        thread = db.get(Thread, report.target_id)
        return thread is not None and thread.deleted_at is not None
    if report.target_kind == ReportTarget.POST:
        post = db.get(Post, report.target_id)
        return post is not None and (post.is_hidden or post.is_deleted)
    if report.target_kind == ReportTarget.RESOURCE:
        resource = db.get(Resource, report.target_id)
        return resource is not None and resource.status == ResourceStatus.HIDDEN
    event = db.get(Event, report.target_id)
    return event is not None and event.hidden_reason is not None


def report_detail(db: Session, *, actor: Member, report_id: str) -> ReportDetail:
    report, _groups = _load_report(db, actor, report_id)
    others = list(
        db.execute(
            select(Report)
            .where(
                Report.target_kind == report.target_kind,
                Report.target_id == report.target_id,
                Report.id != report.id,
            )
            .options(selectinload(Report.reporter))
            .order_by(Report.created_at)
        ).scalars()
    )
    return ReportDetail(report, others, may_act_on_reports(actor), _content_hidden(db, report))
