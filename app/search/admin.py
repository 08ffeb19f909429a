"""The admins' side of search: synonym groups (built-in and added) and the search outbox
rows that keep failing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound
from app.members.models import Member
from app.outbox.models import OutboxMessage
from app.outbox.service import enqueue
from app.outbox.sync import SYNC_TOPIC
from app.policy import check_admin_only_permission
from app.search.engine import builtin_synonym_groups
from app.search.models import SearchSynonym
from app.search.sync import SYNONYMS_TOPIC

FAILING_ATTEMPTS = 3
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SynonymGroup:
    id: str | None
    terms: list[str]


def synonym_groups(db: Session, *, actor: Member) -> tuple[list[SynonymGroup], list[SynonymGroup]]:
    """The built-in groups (search/synonyms.json) and those admins added."""
    check_admin_only_permission(actor)
    builtin = [SynonymGroup(None, group) for group in builtin_synonym_groups()]
    added = [
        SynonymGroup(row.id, list(row.terms))
        for row in db.execute(select(SearchSynonym).order_by(SearchSynonym.created_at)).scalars()
    ]
    return builtin, added


def parse_terms(text: str) -> list[str]:
    terms = []
    for part in re.split(r"[,\n;]", text):
        term = " ".join(part.lower().split())
        if term and term not in terms:
            terms.append(term)
    return terms


def add_synonym_group(db: Session, *, actor: Member, text: str) -> SearchSynonym:
    check_admin_only_permission(actor)
    terms = parse_terms(text)
    if len(terms) < 2:
        raise InvalidInput({"terms": "Give at least two terms, separated by commas."})
    if len(terms) > 20 or any(len(term) > 80 for term in terms):
        raise InvalidInput({"terms": "Give at most 20 terms of at most 80 characters each."})
    if any(not _WORD.search(term) for term in terms):
        raise InvalidInput({"terms": "Each term needs at least one letter or digit."})
    group = SearchSynonym(terms=terms, created_by_id=actor.id)
    db.add(group)
    db.flush()
    enqueue(db, topic=SYNONYMS_TOPIC, payload={})
    return group


def remove_synonym_group(db: Session, *, actor: Member, group_id: str) -> None:
    check_admin_only_permission(actor)
    group = db.get(SearchSynonym, group_id)
    if group is None:
        raise NotFound("There is no such synonym group.")
    db.delete(group)
    db.flush()
    enqueue(db, topic=SYNONYMS_TOPIC, payload={})


def failing_outbox_rows(db: Session, *, actor: Member, limit: int = 100) -> list[OutboxMessage]:
    """Search outbox rows that failed for good, or keep failing (FAILING_ATTEMPTS or more)."""
    check_admin_only_permission(actor)
    return list(
        db.execute(
            select(OutboxMessage)
            .where(
                OutboxMessage.topic.in_([SYNC_TOPIC, SYNONYMS_TOPIC]),
                OutboxMessage.processed_at.is_(None),
                (OutboxMessage.failed_at.is_not(None))
                | (OutboxMessage.attempts >= FAILING_ATTEMPTS),
            )
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        ).scalars()
    )


def retry_failed(db: Session, *, actor: Member) -> int:
    """Give the failed search rows a fresh start (after fixing what made them fail)."""
    check_admin_only_permission(actor)
    rows = failing_outbox_rows(db, actor=actor, limit=10_000)
    for row in rows:
        row.failed_at = None
        row.attempts = 0
        row.available_at = row.created_at
    db.flush()
    return len(rows)
