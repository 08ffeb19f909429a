"""A member's data as a ZIP: one JSON file per kind, the files they uploaded, and a
README.txt that explains each file.

The archive is produced as a stream of chunks by stream-zip (docs/decisions.md): every
JSON file is written a few rows at a time from a database cursor (``yield_per``) and every
uploaded file a chunk at a time, so memory stays flat whatever the member wrote. Callers
write the chunks to a file (a temporary one for a download, a kept one for an export the
worker builds) and send that: the database transaction lasts as long as the disk takes,
never as long as a slow browser."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import BinaryIO

from sqlalchemy.orm import Session
from stream_zip import ZIP_64, stream_zip

from app.privacy.kinds import ExportFile, Row, json_value
from app.privacy.registry import PERSONAL_DATA
from app.resources.storage import FileStorage

FILE_MODE = stat.S_IFREG | 0o600
BATCH_BYTES = 64 * 1024

README_HEAD = """\
Your data from the children's social work partnership portal
=============================================================

Exported {when} (UTC) for member {member_id}.

Each .json file holds a list of entries (an empty list when the portal holds nothing of
that kind about you). Times are in UTC, ISO 8601. The files:

"""

README_TAIL = """
The portal's privacy page (/privacy) explains why each kind is kept, for how long, and who
sees it. To ask for a correction or for your account to be closed, use "Your data" on the
portal or write to the partnership.
"""


def readme_text(member_id: str, when: datetime) -> str:
    lines = [README_HEAD.format(when=when.strftime("%Y-%m-%d %H:%M"), member_id=member_id)]
    for part in PERSONAL_DATA:
        lines.extend(f"{file.name}: {file.explanation}\n" for file in part.files)
        if part.stored_files is not None and part.stored_files_explanation:
            lines.append(f"{part.stored_files_explanation}\n")
    lines.append(README_TAIL)
    return "".join(lines)


def json_chunks(rows: Iterable[Row]) -> Iterator[bytes]:
    """A JSON array, one entry per line, in chunks of about BATCH_BYTES."""
    buffer: list[str] = ["[\n"]
    size = 0
    separator = ""
    for row in rows:
        text = separator + json.dumps(row, default=json_value, ensure_ascii=False)
        separator = ",\n"
        buffer.append(text)
        size += len(text)
        if size >= BATCH_BYTES:
            yield "".join(buffer).encode()
            buffer, size = [], 0
    buffer.append("\n]\n")
    yield "".join(buffer).encode()


def _file_chunks(storage: FileStorage, key: str) -> Iterator[bytes]:
    if not storage.exists(key):
        return
    with storage.open(key) as handle:
        while chunk := handle.read(BATCH_BYTES):
            yield chunk


def _members(
    db: Session, storage: FileStorage, member_id: str, when: datetime
) -> Iterator[tuple[str, datetime, int, object, Iterable[bytes]]]:
    yield ("README.txt", when, FILE_MODE, ZIP_64, (readme_text(member_id, when).encode(),))
    for part in PERSONAL_DATA:
        for export_file in part.files:
            yield (export_file.name, when, FILE_MODE, ZIP_64, _rows_of(db, export_file, member_id))
        if part.stored_files is not None:
            for stored in part.stored_files(db, member_id):
                chunks = _file_chunks(storage, stored.storage_key)
                yield (stored.path, when, FILE_MODE, ZIP_64, chunks)


def _rows_of(db: Session, export_file: ExportFile, member_id: str) -> Iterator[bytes]:
    """Started only when the archive reaches this file, so one query runs at a time."""
    yield from json_chunks(export_file.rows(db, member_id))


def export_chunks(
    db: Session, storage: FileStorage, member_id: str, *, when: datetime
) -> Iterator[bytes]:
    return iter(stream_zip(_members(db, storage, member_id, when)))  # type: ignore[arg-type]


def write_export(
    db: Session, storage: FileStorage, member_id: str, target: BinaryIO, *, when: datetime
) -> int:
    """Write the archive to ``target``; returns its size in bytes."""
    size = 0
    for chunk in export_chunks(db, storage, member_id, when=when):
        target.write(chunk)
        size += len(chunk)
    return size


def export_weight(db: Session, member_id: str) -> int:
    """Roughly how big the export is: posts, plus one per 64 KB of uploaded files."""
    return sum(part.count(db, member_id) for part in PERSONAL_DATA if part.count is not None)
