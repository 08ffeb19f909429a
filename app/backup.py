"""``portal backup`` and ``portal restore``: the database and the file store in one archive.

An archive (a .tar.gz) holds ``manifest.json``, the database (``database.sqlite``, made with
SQLite's online backup API, or ``database.pgdump``, made by ``pg_dump --format=custom``;
both are one consistent snapshot taken while the portal runs) and ``files/``, the file
store. The database is copied first and the files after it: stored files are named by
their content and never change or go away, so every file the snapshot refers to is there
when the files are copied. The search index is not in it; it is rebuilt from the database.

Restoring replaces the database with the snapshot, puts back the files, migrates to the
running code's schema, then:
- marks done the outbox rows that must not run twice: e-mail, digests and announcements
  queued before the backup may have gone out after it (a member may miss one message about
  something from the last moments before the backup rather than get it twice);
- rebuilds the search index (or queues the rebuild for the worker if Meilisearch is down).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import make_engine, make_session_factory, transaction, utcnow
from app.notifications.service import ANNOUNCE_TOPIC, DIGEST_TOPIC, EMAIL_TOPIC
from app.outbox.models import OutboxMessage
from app.outbox.sync import SYNC_TOPIC

ARCHIVE_FORMAT = 1
NOT_TWICE_TOPICS = (EMAIL_TOPIC, DIGEST_TOPIC, ANNOUNCE_TOPIC)
"""Topics whose pending rows are dropped on restore: they may already have run."""
REBUILT_TOPICS = (SYNC_TOPIC,)
"""Pending index updates: made redundant by the rebuild that follows a restore."""


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why."""


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database:
        raise BackupError("the SQLite database URL names no file")
    return Path(database)


def _libpq_url(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as missing:
        raise BackupError(f"{command[0]} is not installed: {missing}") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def dump_database(database_url: str, target_dir: Path) -> str:
    """The database as one consistent snapshot in ``target_dir``; returns its file name."""
    if database_url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(database_url))
        copy = sqlite3.connect(target_dir / "database.sqlite")
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return "database.sqlite"
    if database_url.startswith("postgresql"):
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target_dir / 'database.pgdump'}",
                f"--dbname={_libpq_url(database_url)}",
            ]
        )
        return "database.pgdump"
    raise BackupError(f"cannot back up a database of kind {database_url.split(':', 1)[0]}")


@dataclass(frozen=True)
class BackupReport:
    path: Path
    database: str
    files: int
    bytes: int


def backup(settings: Settings, archive: Path) -> BackupReport:
    database_url = settings.resolved_database_url
    files_dir = settings.resolved_files_dir
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as scratch:
        scratch_dir = Path(scratch)
        database_file = dump_database(database_url, scratch_dir)
        stored = [
            path
            for path in (sorted(files_dir.rglob("*")) if files_dir.exists() else [])
            if path.is_file() and "staging" not in path.relative_to(files_dir).parts
        ]
        manifest: dict[str, Any] = {
            "format": ARCHIVE_FORMAT,
            "created_at": utcnow().isoformat(),
            "database": database_file,
            "files": len(stored),
        }
        (scratch_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(scratch_dir / "manifest.json", arcname="manifest.json")
            tar.add(scratch_dir / database_file, arcname=database_file)
            for path in stored:
                tar.add(path, arcname=f"files/{path.relative_to(files_dir).as_posix()}")
        partial.replace(archive)
    return BackupReport(
        path=archive, database=database_file, files=len(stored), bytes=archive.stat().st_size
    )


def _restore_database(database_url: str, dump: Path) -> None:
    if database_url.startswith("sqlite"):
        if dump.name != "database.sqlite":
            raise BackupError("this archive holds a PostgreSQL database; the portal uses SQLite")
        target_path = _sqlite_path(database_url)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(dump)
        target = sqlite3.connect(target_path, timeout=30)
        try:
            source.backup(target)  # online: connections open elsewhere see the restored data
        finally:
            target.close()
            source.close()
        return
    if dump.name != "database.pgdump":
        raise BackupError("this archive holds a SQLite database; the portal uses PostgreSQL")
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={_libpq_url(database_url)}",
            str(dump),
        ]
    )


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"the archive holds an unsafe entry: {member.name}")
        members.append(member)
    return members


@dataclass(frozen=True)
class RestoreReport:
    created_at: str
    files: int
    cleared_rows: int
    search: str


def restore(settings: Settings, archive: Path) -> RestoreReport:
    from app.cli import alembic_config
    from app.search.engine import SearchEngine
    from app.search.sync import queue_rebuild, reindex

    if not archive.is_file():
        raise BackupError(f"no archive at {archive}")
    database_url = settings.resolved_database_url
    files_dir = settings.resolved_files_dir
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as scratch:
        scratch_dir = Path(scratch)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(scratch_dir, members=_safe_members(tar), filter="data")
        except (tarfile.TarError, OSError) as error:
            raise BackupError(f"the archive cannot be read: {error}") from None
        manifest_path = scratch_dir / "manifest.json"
        if not manifest_path.exists():
            raise BackupError("the archive has no manifest.json; it was not made by portal backup")
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("format") != ARCHIVE_FORMAT:
            raise BackupError(f"unknown archive format {manifest.get('format')!r}")
        _restore_database(database_url, scratch_dir / str(manifest["database"]))
        restored_files = 0
        stored = scratch_dir / "files"
        if stored.exists():
            for path in stored.rglob("*"):
                if path.is_file():
                    target = files_dir / path.relative_to(stored)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
                    restored_files += 1

    from alembic import command

    config = alembic_config(database_url)
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")

    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    try:
        with transaction(factory) as db:
            cleared = db.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.processed_at.is_(None),
                    OutboxMessage.topic.in_(NOT_TWICE_TOPICS + REBUILT_TOPICS),
                )
                .values(processed_at=utcnow(), last_error="cleared by portal restore")
            ).rowcount
        search_engine = SearchEngine.from_settings(settings)
        if search_engine.health_problem() is None:
            report = reindex(factory, search_engine)
            search = f"index rebuilt: {report.documents} documents"
        else:
            queue_rebuild(factory)
            search = "Meilisearch is down: the worker rebuilds the index when it is back"
    finally:
        engine.dispose()
    return RestoreReport(
        created_at=str(manifest.get("created_at")),
        files=restored_files,
        cleared_rows=int(cleared or 0),
        search=search,
    )
