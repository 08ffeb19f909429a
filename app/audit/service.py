"""Write and read the audit trail."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

from app.audit.csv import csv_safe
from app.audit.models import AuditEntry
from app.db import LONDON, utcnow
from app.keyset import (
    CappedCount,
    Cursor,
    KeysetPage,
    capped_count,
    keyset_page,
    stepped_distinct,
)


class Person(Protocol):
    """Who acts or is acted on: a member, seen without importing the members package."""

    @property
    def id(self) -> str: ...

    @property
    def display_name(self) -> str: ...


def record(
    db: Session,
    *,
    actor: Person | None,
    action: str,
    subject: Person | None,
    subject_label: str | None = None,
    reason: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor_name=actor.display_name if actor else "the portal",
        action=action,
        subject_member_id=subject.id if subject else None,
        subject_name=subject_label or (subject.display_name if subject else ""),
        reason=reason,
        before=before or {},
        after=after or {},
    )
    db.add(entry)
    db.flush()
    return entry


@dataclass(frozen=True)
class Subject:
    """One of many subjects of the same action (record_many)."""

    member: Person | None
    label: str
    before: dict[str, Any] = field(default_factory=dict)


def record_many(
    db: Session,
    *,
    actor: Person | None,
    action: str,
    subjects: list[Subject],
    reason: str | None = None,
) -> None:
    """One entry per subject, written with one statement (bulk moderation)."""
    if not subjects:
        return
    now = utcnow()
    db.execute(
        insert(AuditEntry),
        [
            {
                "created_at": now,
                "actor_id": actor.id if actor else None,
                "actor_name": actor.display_name if actor else "the portal",
                "action": action,
                "subject_member_id": subject.member.id if subject.member else None,
                "subject_name": subject.label[:200],
                "reason": reason,
                "before": subject.before,
                "after": {},
            }
            for subject in subjects
        ],
    )


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    actor_id: str | None = None
    subject_member_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _filtered(query: Select[Any], audit_filter: AuditFilter) -> Select[Any]:
    if audit_filter.action:
        query = query.where(AuditEntry.action == audit_filter.action)
    if audit_filter.actor_id:
        query = query.where(AuditEntry.actor_id == audit_filter.actor_id)
    if audit_filter.subject_member_id:
        query = query.where(AuditEntry.subject_member_id == audit_filter.subject_member_id)
    if audit_filter.since:
        query = query.where(AuditEntry.created_at >= audit_filter.since)
    if audit_filter.until:
        query = query.where(AuditEntry.created_at < audit_filter.until)
    return query


def list_entries(
    db: Session, *, audit_filter: AuditFilter, cursor: Cursor | None, limit: int
) -> tuple[list[AuditEntry], CappedCount, KeysetPage[Any]]:
    """Newest first."""
    total = capped_count(db, _filtered(select(AuditEntry.id), audit_filter))
    page = keyset_page(
        db,
        _filtered(select(AuditEntry), audit_filter),
        keys=[AuditEntry.created_at, AuditEntry.id],
        descending=True,
        cursor=cursor,
        limit=limit,
    )
    return [row[0] for row in page.items], total, page


def actions_in_use(db: Session) -> list[str]:
    actions = stepped_distinct(AuditEntry.action)
    found = db.execute(
        select(actions.c.value).where(actions.c.value.is_not(None)).order_by(actions.c.value)
    ).scalars()
    return list(found)


CSV_COLUMNS = ("time (Europe/London)", "actor", "action", "subject", "reason", "before", "after")


def _describe(values: dict[str, Any]) -> str:
    return "; ".join(f"{key}: {value}" for key, value in sorted(values.items()))


def export_csv(entries: Iterable[AuditEntry]) -> str:
    """UTF-8 CSV with a byte-order mark, so spreadsheets read names like Siobhán correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                entry.created_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S"),
                csv_safe(entry.actor_name),
                entry.action,
                csv_safe(entry.subject_name),
                csv_safe(entry.reason or ""),
                csv_safe(_describe(entry.before)),
                csv_safe(_describe(entry.after)),
            ]
        )
    return "\ufeff" + buffer.getvalue()


def all_entries(db: Session, *, audit_filter: AuditFilter) -> list[AuditEntry]:
    query = _filtered(select(AuditEntry), audit_filter).order_by(
        AuditEntry.created_at, AuditEntry.id
    )
    return list(db.execute(query).scalars())
