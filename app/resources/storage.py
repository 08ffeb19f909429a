"""Where uploaded files live: a small interface, a local folder behind it for now.

Files are written in chunks as they arrive, hashed on the way, and stored under their
SHA-256, outside the web root, so a name never comes from the uploader.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK_SIZE = 64 * 1024


class TooLarge(Exception):
    pass


class StorageFull(Exception):
    """The file store has no room (or the quota is used up): the upload is refused whole,
    as 507, and nothing of it is kept."""


NO_ROOM = {errno.ENOSPC, errno.EDQUOT}


@contextmanager
def full_is_refused() -> Iterator[None]:
    try:
        yield
    except OSError as error:
        if error.errno in NO_ROOM:
            raise StorageFull(str(error)) from error
        raise


@dataclass(frozen=True)
class StagedFile:
    """An upload written to a private temporary file, not yet part of the store."""

    path: Path
    size: int
    sha256: str


class FileStorage(Protocol):
    def stage(self, source: BinaryIO, *, max_bytes: int) -> StagedFile: ...

    def commit(self, staged: StagedFile) -> str: ...

    def discard(self, staged: StagedFile) -> None: ...

    def open(self, key: str) -> BinaryIO: ...

    def path_of(self, key: str) -> Path: ...

    def exists(self, key: str) -> bool: ...

    def remove(self, key: str, *, unchanged_for: float) -> bool: ...


class LocalFileStorage:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = root / "staging"

    def stage(self, source: BinaryIO, *, max_bytes: int) -> StagedFile:
        digest = hashlib.sha256()
        size = 0
        with full_is_refused():
            self.staging.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=self.staging)
        path = Path(name)
        try:
            with full_is_refused(), os.fdopen(handle, "wb") as target:
                while chunk := source.read(CHUNK_SIZE):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge
                    digest.update(chunk)
                    target.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return StagedFile(path=path, size=size, sha256=digest.hexdigest())

    def _final_path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("not a storage key")
        return self.root / key[:2] / key[2:4] / key

    def commit(self, staged: StagedFile) -> str:
        target = self._final_path(staged.sha256)
        with full_is_refused():
            target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            staged.path.unlink(missing_ok=True)
            # the same content arrived again: a clean-up that found it unused a moment ago
            # must not remove it now (see remove)
            target.touch()
        else:
            os.replace(staged.path, target)
        return staged.sha256

    def discard(self, staged: StagedFile) -> None:
        staged.path.unlink(missing_ok=True)

    def open(self, key: str) -> BinaryIO:
        return self._final_path(key).open("rb")

    def path_of(self, key: str) -> Path:
        return self._final_path(key)

    def exists(self, key: str) -> bool:
        return self._final_path(key).exists()

    def remove(self, key: str, *, unchanged_for: float) -> bool:
        """Remove a stored file nothing refers to any more, unless it was written (or the
        same content committed again) in the last ``unchanged_for`` seconds."""
        path = self._final_path(key)
        try:
            if time.time() - path.stat().st_mtime < unchanged_for:
                return False
            path.unlink()
        except FileNotFoundError:
            return False
        return True


def iter_file(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK_SIZE):
            yield chunk
