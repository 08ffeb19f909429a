"""Migrations go up, down and up again, and end where the models are."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app import models  # noqa: F401
from app.cli import alembic_config
from app.db import Base, make_engine
from tests.support.database import fresh_database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


def test_upgrade_downgrade_upgrade_matches_the_models(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        config = alembic_config(url)
        config.attributes["configure_logging"] = False
        engine = make_engine(url)
        try:
            command.upgrade(config, "head")
            assert "member" in inspect(engine).get_table_names()
            command.downgrade(config, "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            command.upgrade(config, "head")
            with engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"compare_type": True, "render_as_batch": True}
                )
                differences = compare_metadata(context, Base.metadata)
            assert differences == []
        finally:
            engine.dispose()


def test_sqlite_has_foreign_keys_and_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragma.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_migration_files_carry_a_date() -> None:
    names = [path.name for path in MIGRATIONS.glob("*.py")]
    assert names
    for name in names:
        assert name[:10].replace("_", "").isdigit(), name
