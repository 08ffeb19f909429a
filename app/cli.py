"""The ``portal`` command."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from alembic import command
from alembic.config import Config

from app.config import PROJECT_ROOT, ConfigError, Settings, load_settings
from app.db import make_engine, make_session_factory, transaction

cli = typer.Typer(help="The children's social work partnership portal.", no_args_is_help=True)
db_cli = typer.Typer(help="Database migrations.", no_args_is_help=True)
search_cli = typer.Typer(help="The Meilisearch index.", no_args_is_help=True)
admin_cli = typer.Typer(help="Administration from the command line.", no_args_is_help=True)
outbox_cli = typer.Typer(help="The worker's queue of side effects.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(search_cli, name="search")
cli.add_typer(admin_cli, name="admin")
cli.add_typer(outbox_cli, name="outbox")


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        typer.echo(f"portal: {error}", err=True)
        raise typer.Exit(code=2) from None


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def _ensure_data_dir(settings: Settings) -> None:
    if settings.resolved_database_url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)


@cli.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    reload: bool = False,
    workers: int = 1,
    worker_healthcheck_seconds: Annotated[
        int,
        typer.Option(
            help="With --workers N: how long a new process may take to answer uvicorn's "
            "health check before it is killed and started again (uvicorn's default, 5 s, is "
            "less than a start-up under load)."
        ),
    ] = 30,
) -> None:
    """Run the portal with uvicorn; with --workers N, uvicorn replaces a process that dies."""
    import uvicorn

    _settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        workers=workers,
        proxy_headers=True,
        timeout_worker_healthcheck=worker_healthcheck_seconds,
    )


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    settings = _settings()
    _ensure_data_dir(settings)
    command.upgrade(alembic_config(settings.resolved_database_url), revision)


@db_cli.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION ("base" removes everything)."""
    settings = _settings()
    command.downgrade(alembic_config(settings.resolved_database_url), revision)


@cli.command()
def seed(
    demo: Annotated[bool, typer.Option(help="Also create demo members and content.")] = False,
) -> None:
    """Create the partner organisations and, with --demo, demo data. Safe to run twice."""
    from app.demo import seed_demo
    from app.discussions.seed import seed_discussions
    from app.events.seed import seed_events
    from app.groups.seed import seed_groups
    from app.members.reference_data import ensure_partner_organisations
    from app.notifications.seed import seed_notifications
    from app.resources.seed import seed_resources
    from app.resources.storage import LocalFileStorage
    from app.topics.reference_data import ensure_topics

    settings = _settings()
    factory = make_session_factory(make_engine(settings.resolved_database_url))
    with transaction(factory) as db:
        created = ensure_partner_organisations(db)
        typer.echo(f"partner organisations: {created} created")
        typer.echo(f"topics: {ensure_topics(db)} created")
        if demo:
            people = seed_demo(db, settings=settings)
            storage = LocalFileStorage(settings.resolved_files_dir)
            added = seed_resources(db, storage=storage, settings=settings)
            typer.echo(f"demo resources: {added} added (the worker reads their text)")
            typer.echo(f"demo events: {seed_events(db, settings=settings)} added")
            typer.echo(f"demo discussion threads: {seed_discussions(db)} added")
            groups = seed_groups(db, settings=settings, storage=storage)
            typer.echo(f"demo groups: {groups} added")
            typer.echo(f"demo notifications: {seed_notifications(db)} added")
            typer.echo("demo members (sign in through the development provider as):")
            for person in people:
                notes = list(person.responsibilities)
                if person.status == "pending":
                    notes.append("waiting for approval")
                extra = f" ({', '.join(notes)})" if notes else ""
                where = person.organisation or "no organisation"
                typer.echo(f"  {person.subject:<18} {person.name}, {where}{extra}")


@search_cli.command("reindex")
def search_reindex() -> None:
    """Build a new search index from the database with the settings from search/, and swap
    it in atomically (searches never see a missing or half-built index)."""
    from app.search.engine import SearchEngine
    from app.search.sync import reindex

    settings = _settings()
    engine = SearchEngine.from_settings(settings)
    problem = engine.health_problem()
    if problem:
        typer.echo(f"portal: Meilisearch at {engine.url} is {problem}", err=True)
        raise typer.Exit(code=1)
    factory = make_session_factory(make_engine(settings.resolved_database_url))
    report = reindex(factory, engine)
    typer.echo(
        f"index {engine.content_uid}: {report.documents} documents in {report.seconds:.1f} s "
        f"({report.per_second:.0f}/s), swapped in; {report.requeued} recent changes queued again"
    )


@cli.command()
def worker(
    once: Annotated[bool, typer.Option(help="Drain one batch and stop.")] = False,
    poll_seconds: float = 1.0,
    lease_seconds: Annotated[
        float, typer.Option(help="How long a claimed row is kept; renewed while worked on.")
    ] = 45.0,
    wait_seconds: Annotated[
        float, typer.Option(help="How often rows waiting for a server that is down try again.")
    ] = 30.0,
) -> None:
    """Drain the outbox: search indexing, text extraction and e-mail. Survives outages of
    the database, Meilisearch and SMTP; stops on SIGTERM or SIGINT."""
    from datetime import timedelta

    from app.outbox.worker import run_worker
    from app.worker import worker_tasks

    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(message)s")
    settings = _settings()
    factory = make_session_factory(make_engine(settings.resolved_database_url))
    tasks = worker_tasks(factory, settings)
    run_worker(
        factory,
        tasks=tasks,
        poll_seconds=poll_seconds,
        once=once,
        lease=timedelta(seconds=lease_seconds),
        wait_retry=timedelta(seconds=wait_seconds),
    )


@outbox_cli.command("retry")
def outbox_retry(
    ids: Annotated[
        list[int] | None, typer.Argument(help="Rows to retry (default: every failed row).")
    ] = None,
) -> None:
    """Run failed outbox rows again, from their first attempt."""
    from app.outbox.service import retry_failed

    settings = _settings()
    factory = make_session_factory(make_engine(settings.resolved_database_url))
    with transaction(factory) as db:
        count = retry_failed(db, message_ids=ids or None)
    typer.echo(f"{count} failed row{'' if count == 1 else 's'} queued again")


@outbox_cli.command("status")
def outbox_status() -> None:
    """What the worker has still to do, and whether a worker is alive."""
    from app.health.checks import worker_report

    settings = _settings()
    factory = make_session_factory(make_engine(settings.resolved_database_url))
    with transaction(factory) as db:
        report = worker_report(db)
    for name, value in report.items():
        typer.echo(f"{name}: {value}")


@cli.command()
def backup(
    archive: Annotated[
        Path | None,
        typer.Argument(help="Where to write the archive (default: <data dir>/backups/…)."),
    ] = None,
) -> None:
    """Back up the database and the file store, consistently, into one .tar.gz archive."""
    from app.backup import BackupError
    from app.backup import backup as make_backup
    from app.db import utcnow

    settings = _settings()
    target = archive or (settings.data_dir / "backups" / f"portal-{utcnow():%Y%m%dT%H%M%SZ}.tar.gz")
    try:
        report = make_backup(settings, target)
    except BackupError as error:
        typer.echo(f"portal: {error}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(
        f"backup written to {report.path}: {report.database}, {report.files} stored files, "
        f"{report.bytes / (1024 * 1024):.1f} MB"
    )


@cli.command()
def restore(
    archive: Annotated[Path, typer.Argument(help="An archive made by `portal backup`.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: the database is replaced by the archive's.")
    ] = False,
) -> None:
    """Replace the database and put back the files from an archive; drop queued e-mail that
    may already have gone; rebuild the search index. Stop the web processes and workers
    first."""
    from app.backup import BackupError
    from app.backup import restore as restore_archive

    if not yes:
        typer.echo("portal: restore replaces the whole database; add --yes to go on", err=True)
        raise typer.Exit(code=2)
    settings = _settings()
    try:
        report = restore_archive(settings, archive)
    except BackupError as error:
        typer.echo(f"portal: {error}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(
        f"restored the backup of {report.created_at}: {report.files} stored files; "
        f"{report.cleared_rows} queued side effects cleared; {report.search}"
    )


@admin_cli.command("grant")
def admin_grant(email: str) -> None:
    """Make the member with EMAIL an admin; before their first sign-in, invite them."""
    from app.errors import InvalidAction, InvalidInput
    from app.members.service import grant_admin

    settings = _settings()
    factory = make_session_factory(make_engine(settings.resolved_database_url))
    try:
        with transaction(factory) as db:
            outcome = grant_admin(db, email=email)
    except (InvalidAction, InvalidInput) as error:
        typer.echo(f"portal: {error}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(outcome)


def main() -> None:
    cli(prog_name="portal")


if __name__ == "__main__":
    sys.exit(main())
