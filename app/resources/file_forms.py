"""What the resource pages share about files: the file store and a download's answer (the
files kept for a form shown again are app/uploads/forms.py, shared with the discussions)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import FileResponse

from app.resources import service
from app.resources.storage import FileStorage


def file_storage(request: Request) -> FileStorage:
    return request.app.state.file_storage


Storage = Annotated[FileStorage, Depends(file_storage)]


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    fallback = "".join(ch if ch.isascii() and ch not in '"\\' else "_" for ch in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def file_response(found: service.Download) -> FileResponse:
    """A stored file, streamed from disk, as an attachment under its safe original name."""
    return FileResponse(
        found.path,
        media_type=found.content_type,
        headers={
            "Content-Disposition": content_disposition(found.filename),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
