"""The audit log's part (the audit package is on the ground floor and imports nothing, so
its contributor lives here): entries about a member or by them are exported; on erasure
they stay, under the erasure's pseudonym instead of the person."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.privacy.kinds import ErasureContext, ExportFile, PersonalData, Row, columns_of


def entry_rows(db: Session, member_id: str) -> Iterator[Row]:
    query = (
        select(AuditEntry)
        .where(or_(AuditEntry.subject_member_id == member_id, AuditEntry.actor_id == member_id))
        .order_by(AuditEntry.created_at, AuditEntry.id)
        .execution_options(yield_per=500)
    )
    for entry in db.execute(query).scalars():
        yield columns_of(
            entry, "created_at", "actor_name", "action", "subject_name", "reason", "before", "after"
        )


def _scrubbed(value: Any, identifying: tuple[str, ...], pseudonym: str) -> Any:
    if isinstance(value, str):
        for text in identifying:
            value = value.replace(text, pseudonym)
        return value
    if isinstance(value, dict):
        return {key: _scrubbed(item, identifying, pseudonym) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item, identifying, pseudonym) for item in value]
    return value


def erase(db: Session, context: ErasureContext) -> None:
    """Every entry by or about them, and any other entry whose text carries their name,
    e-mail address or sign-in subject (an invitation, a note), keeps its event and loses
    the person. JSON is stored with non-ASCII escaped (``Siobh\\u00e1n``), so the JSON
    columns are searched for that spelling too."""
    pseudonym = context.pseudonym
    plain = (AuditEntry.actor_name, AuditEntry.subject_name, AuditEntry.reason)
    as_json = (cast(AuditEntry.before, Text), cast(AuditEntry.after, Text))
    mentions = [
        column.contains(text, autoescape=True) for text in context.identifying for column in plain
    ] + [
        column.contains(json_text, autoescape=True)
        for text in context.identifying
        for json_text in {text, json.dumps(text)[1:-1]}
        for column in as_json
    ]
    query = select(AuditEntry).where(
        or_(
            AuditEntry.subject_member_id == context.member_id,
            AuditEntry.actor_id == context.member_id,
            *mentions,
        )
    )
    for entry in db.execute(query).scalars():
        if entry.actor_id == context.member_id:
            entry.actor_name = pseudonym
        if entry.subject_member_id == context.member_id:
            entry.subject_name = pseudonym
        entry.actor_name = _scrubbed(entry.actor_name, context.identifying, pseudonym)
        entry.subject_name = _scrubbed(entry.subject_name, context.identifying, pseudonym)
        entry.reason = _scrubbed(entry.reason, context.identifying, pseudonym)
        entry.before = _scrubbed(entry.before, context.identifying, pseudonym)
        entry.after = _scrubbed(entry.after, context.identifying, pseudonym)
    db.flush()


PERSONAL_DATA = PersonalData(
    domain="audit",
    files=(
        ExportFile(
            "audit_entries.json",
            "Entries of the audit log about you or by you (admin and moderator actions).",
            entry_rows,
        ),
    ),
    erase=erase,
)
