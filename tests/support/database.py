"""Test databases: a SQLite file, or a fresh PostgreSQL database when
PORTAL_TEST_DATABASE_URL names a server, built by ``alembic upgrade head``."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.cli import alembic_config
from app.db import Base

POSTGRES_URL_VARIABLE = "PORTAL_TEST_DATABASE_URL"


def postgres_server_url() -> str | None:
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


@contextmanager
def fresh_database(tmp_dir: Path) -> Iterator[str]:
    """An empty database of the kind under test; dropped afterwards."""
    server = postgres_server_url()
    if server is None:
        path = tmp_dir / f"portal-{uuid.uuid4().hex[:8]}.db"
        yield f"sqlite:///{path}"
        return
    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    admin_url = make_url(server).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def upgrade_to_head(database_url: str) -> None:
    config = alembic_config(database_url)
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")


KEPT_TABLES = frozenset({"page_generation"})
"""Installed with the schema, as alembic_version is: its one row is never a test's data."""


def delete_all_rows(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in KEPT_TABLES:
                connection.execute(table.delete())


def see_committed(session: Session) -> None:
    """Make a test's session see what requests committed since: a new transaction, and no
    stale objects (the factory does not expire them on commit)."""
    session.rollback()
    session.expire_all()


def count_rows(session: Session, model: type[Base]) -> int:
    see_committed(session)
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def apply_changes(session: Session, *statements: object) -> None:
    """Arrange data with UPDATE/DELETE statements, on a fresh snapshot (writing on a stale
    one fails on SQLite), and commit."""
    session.rollback()
    for statement in statements:
        session.execute(statement)  # type: ignore[call-overload]
    session.commit()
