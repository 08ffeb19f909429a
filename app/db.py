"""Engine, session factory and the declarative Base with a constraint naming convention."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Engine, Enum, Executable, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    """A string column holding the enum's values (no native database enum to migrate)."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database, SQLite included.

    SQLite keeps no offset, so values are normalised to UTC on the way in and marked
    as UTC on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


READS_ONLY = "portal_reads_only"
"""Execution option marking a connection whose transactions only read
(make_read_session_factory)."""


class WriteInReadOnlySession(RuntimeError):
    """A session opened for reading (a GET request's) tried to write. On SQLite its
    deferred transaction could not take the write lock safely, so the route must say
    that it writes (app/web/deps.py WritingDbSession)."""


def _configure_sqlite(engine: Engine, *, immediate: bool, busy_timeout_seconds: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy own BEGIN, so SAVEPOINT and locking behave as documented.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_seconds * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front. With a plain BEGIN, a transaction that
        # reads and then writes fails at once with "database is locked" whenever another
        # connection committed in between (WAL cannot upgrade a stale snapshot), so
        # concurrent requests would fail instead of queueing behind busy_timeout.
        # Transactions that only read take no lock at all: under WAL they read a snapshot
        # while one writer works, so reads never queue behind writes or each other.
        reads_only = bool(connection.get_execution_options().get(READS_ONLY))
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate and not reads_only else "BEGIN")


def make_engine(
    database_url: str,
    *,
    echo: bool = False,
    immediate: bool = True,
    busy_timeout_seconds: float = 10.0,
) -> Engine:
    """``immediate=False`` is for read-mostly tools (tests inspecting the database) that
    must not hold SQLite's write lock while the application works. On SQLite a writer
    waits up to ``busy_timeout_seconds`` for the lock, then fails with "database is
    locked" (answered 503 with Retry-After, app/web/errors.py)."""
    if database_url.startswith("sqlite"):
        engine = create_engine(
            database_url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_seconds},
        )
        _configure_sqlite(engine, immediate=immediate, busy_timeout_seconds=busy_timeout_seconds)
        return engine
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return create_engine(database_url, echo=echo, pool_pre_ping=True, pool_size=10)


KEEP_PAGES = "page_generation_keep_pages"


def keep_pages(db: Session) -> None:
    """This transaction's writes are bookkeeping no page shows (a last-seen time, a
    heartbeat): leave the page generation (app/page_cache/generation.py) where it is."""
    db.info[KEEP_PAGES] = True


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that may write; each commit that wrote moves the page generation on."""
    # Imported here: the page generation's model is declared on this module's Base.
    from app.page_cache.generation import count_page_writes

    factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
    count_page_writes(factory)
    return factory


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that only read: on SQLite a deferred transaction (BEGIN, no write lock);
    elsewhere the same as make_session_factory. A flush with changes raises
    WriteInReadOnlySession instead of trying to upgrade the snapshot to a writer."""
    factory = sessionmaker(
        bind=engine.execution_options(**{READS_ONLY: True}),
        expire_on_commit=False,
        autoflush=True,
        info={READS_ONLY: True},
    )
    event.listen(factory, "before_flush", _refuse_writes)
    event.listen(factory, "do_orm_execute", _refuse_write_statements)
    return factory


WRITES_AFTER_READING = "portal_writes_after_reading"


@dataclass(frozen=True)
class PendingWrite:
    statement: Executable
    shown: bool
    """Whether a page shows what it changes; False for a visit's time, which none does."""


def write_after_reading(db: Session, statement: Executable, *, shown: bool = True) -> None:
    """A small, self-contained write that a page which only reads wants done (the time of
    a visit, how far a thread was read). In a writing session it runs now; in a read-only
    session it is kept and run once the reads are finished, in its own short write
    transaction (app/web/unit_of_work.py), so the page never holds the write lock. When no
    page shows what the kept writes change, that transaction leaves the page generation
    alone (keep_pages), so a member's visit does not retire every kept page."""
    if db.info.get(READS_ONLY):
        db.info.setdefault(WRITES_AFTER_READING, []).append(PendingWrite(statement, shown))
    else:
        db.execute(statement)


def pending_writes(db: Session) -> list[PendingWrite]:
    return list(db.info.get(WRITES_AFTER_READING, []))


def _refuse_write_statements(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise WriteInReadOnlySession(
            "a read-only session ran an INSERT, UPDATE or DELETE; "
            "use a writing session for this route"
        )


def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        changed = sorted(
            {type(o).__name__ for o in [*session.new, *session.dirty, *session.deleted]}
        )
        raise WriteInReadOnlySession(
            f"a read-only session tried to write {', '.join(changed)}; "
            "use a writing session for this route"
        )


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work outside a request (CLI, worker): commit on success, roll back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
