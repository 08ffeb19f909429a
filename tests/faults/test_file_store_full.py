"""A full file store: the upload is refused whole with 507 and a clear message (a page for
people, problem JSON for the API); no resource row, no file, no staged leftover is kept.

The store is a real 1 MB filesystem (tmpfs) when the test runs as root; elsewhere a full
disk cannot be made, so the store's writes are made to fail with ENOSPC, as a full disk
would (the one simulated fault of this suite, see tests/support/faults.py)."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.health.checks import file_store_problem
from app.members.models import Member
from app.resources.models import FileVersion, Resource
from app.resources.storage import LocalFileStorage, StagedFile, full_is_refused
from tests.support.database import count_rows
from tests.support.faults import small_disk
from tests.support.flows import csrf_token
from tests.support.portal import MakeMember

pytestmark = pytest.mark.faults

TOO_BIG_FOR_THE_DISK = b"Practice notes. " * 128 * 1024  # 2 MB


class SimulatedFullDisk(LocalFileStorage):
    def stage(self, source: BinaryIO, *, max_bytes: int) -> StagedFile:
        with full_is_refused():
            raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_file_store_answers_507_and_keeps_nothing(
    app: FastAPI,
    make: MakeMember,
    browser_of: Callable[[Member], TestClient],
    db: Session,
    tmp_path: Path,
) -> None:
    browser = browser_of(make("Uma Uploader"))
    store = tmp_path / "store"
    with small_disk(store, "1m") as real_disk:
        original = app.state.file_storage
        app.state.file_storage = LocalFileStorage(store) if real_disk else SimulatedFullDisk(store)
        try:
            fields = {"title": "Big guide", "summary": "Long.", "type": "practice_guide"}
            api = browser.post(
                "/api/v1/resources",
                data=fields,
                files={"files": ("guide.txt", TOO_BIG_FOR_THE_DISK, "text/plain")},
                headers={"X-CSRFToken": csrf_token(browser)},
            )
            assert api.status_code == 507, api.text
            assert api.headers["content-type"] == "application/problem+json"
            assert "file store is full" in api.json()["detail"]

            page = browser.post(
                "/resources",
                data={**fields, "csrftoken": csrf_token(browser)},
                files={"files": ("guide.txt", TOO_BIG_FOR_THE_DISK, "text/plain")},
                headers={"X-CSRFToken": csrf_token(browser)},
            )
            assert page.status_code == 507
            assert "The file store is full" in page.text

            assert count_rows(db, Resource) == 0
            assert count_rows(db, FileVersion) == 0
            leftovers = [p for p in store.rglob("*") if p.is_file()]
            assert leftovers == []
            if real_disk:
                assert (file_store_problem(store) or "").startswith("almost full")
            assert browser.get("/resources").status_code == 200
        finally:
            app.state.file_storage = original
