"""The page generation: a counter that every transaction which writes moves on, in the same
transaction, just before it commits.

A page kept in the cache is filed under the generation read when its request began, so
the first write anywhere (a reply, a moderator's removal, a member leaving a group, a new
notification from the worker) retires every kept page at once, in every process. Because
the counter moves inside the writing transaction, a reader sees the new generation only
once the write it stands for is committed: a page filed under a generation never shows
less than that generation's data. Writes that change no page (a session's last-seen time,
an API token's last use, the worker's heartbeat) say so with ``app.db.keep_pages`` and leave the
counter alone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Result, ScalarSelect, event, select, update
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker

from app.db import KEEP_PAGES
from app.page_cache.models import THE_ROW, PageGeneration

WROTE = "page_generation_wrote"


def generation_value() -> ScalarSelect[int]:
    """The generation as a scalar subquery, for the one statement each request starts with
    (app/security/signed_in.py); NULL where the row is missing, which turns caching off."""
    return select(PageGeneration.value).where(PageGeneration.id == THE_ROW).scalar_subquery()


def count_page_writes(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _after_execute)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_transaction_end", _after_transaction_end)


def _after_flush(db: Session, _context: Any) -> None:
    """Called with the flushed changes still listed as pending."""
    if _has_unflushed_changes(db):
        db.info[WROTE] = True


def _after_execute(state: ORMExecuteState) -> Result[Any] | None:
    """An INSERT, UPDATE or DELETE counts when it changed a row: the worker's periodic
    clean-ups run every second and mostly find nothing to do."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    if getattr(state.statement, "table", None) is PageGeneration.__table__:
        return None
    result = state.invoke_statement()
    if getattr(result, "rowcount", -1) != 0:
        state.session.info[WROTE] = True
    return result


def _has_unflushed_changes(db: Session) -> bool:
    return bool(db.new or db.deleted) or any(db.is_modified(item) for item in db.dirty)


def _before_commit(db: Session) -> None:
    """The counter is the transaction's last write: flushed changes first, so on
    PostgreSQL a transaction takes the counter's row lock only once it holds every other
    lock it needs, and two writers cannot each wait for the other."""
    if db.info.get(KEEP_PAGES):
        return
    db.flush()
    if db.info.get(WROTE):
        db.execute(
            update(PageGeneration)
            .where(PageGeneration.id == THE_ROW)
            .values(value=PageGeneration.value + 1)
        )
        db.info.pop(WROTE, None)


def _after_transaction_end(db: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        db.info.pop(WROTE, None)
        db.info.pop(KEEP_PAGES, None)
