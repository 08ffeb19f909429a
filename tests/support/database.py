"""Test databases: a SQLite file, or a fresh PostgreSQL database when
PORTAL_TEST_DATABASE_URL names a server, built by ``alembic upgrade head``."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

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


def delete_all_rows(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


def count_rows(session, model) -> int:  # type: ignore[no-untyped-def]
    """Count rows as committed now (a new transaction, not the session's old snapshot)."""
    from sqlalchemy import func, select

    session.rollback()
    return session.execute(select(func.count()).select_from(model)).scalar_one()
