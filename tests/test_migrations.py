"""Migrations go up, down and up again, and end where the models are."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from app import models  # noqa: F401
from app.cli import alembic_config
from app.db import Base, make_engine, utcnow
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


def test_migrations_keep_the_data_of_a_live_database(tmp_path: Path) -> None:
    """Upgrading (and downgrading) a database with members in it keeps every row that
    refers to them: SQLite rebuilds tables in batch migrations, and must not fire the
    ON DELETE rules of the rows pointing at them."""
    with fresh_database(tmp_path) as url:
        config = alembic_config(url)
        config.attributes["configure_logging"] = False
        engine = make_engine(url)
        try:
            command.upgrade(config, "0008")
            with engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO member (id, display_name, email, email_verified, status,"
                        " role, profile_visibility, is_admin, is_moderator, is_champion,"
                        " joined_at) VALUES ('m1', 'Jane Smith', 'j@leeds.gov.uk', true,"
                        " 'active', 'practitioner', '{}', false, false, false, :now),"
                        " ('m2', 'Jane Smith', 'j2@leeds.gov.uk', true, 'active',"
                        " 'practitioner', '{}', false, false, false, :now)"
                    ),
                    {"now": utcnow()},
                )
                connection.execute(
                    text(
                        "INSERT INTO member_identity (id, member_id, provider_name, issuer,"
                        " subject, claims, created_at, last_sign_in_at) VALUES ('i1', 'm1',"
                        " 'leeds', 'https://idp', 'jane', '{}', :now, :now)"
                    ),
                    {"now": utcnow()},
                )

            def identities() -> int:
                with engine.connect() as connection:
                    return connection.execute(
                        text("SELECT count(*) FROM member_identity")
                    ).scalar_one()

            command.upgrade(config, "head")
            assert identities() == 1
            with engine.connect() as connection:
                handles = (
                    connection.execute(text("SELECT handle FROM member ORDER BY id"))
                    .scalars()
                    .all()
                )
            assert handles == ["jane.smith", "jane.smith2"]
            command.downgrade(config, "0007")
            assert identities() == 1
            command.upgrade(config, "head")
            assert identities() == 1
        finally:
            engine.dispose()
