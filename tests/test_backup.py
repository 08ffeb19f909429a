"""``portal backup`` and ``portal restore``, as an operator runs them: back up a portal with
content, files and a search index; wipe all three; restore; the portal serves the same
content, the files are the same bytes, search finds the same things (rebuilt), and e-mail
queued before the backup is not sent again. On SQLite and, with PORTAL_TEST_DATABASE_URL,
on PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.config import Settings
from app.db import transaction
from app.main import create_app
from app.members.models import Member
from app.notifications.kinds import NotificationKind
from app.notifications.service import EMAIL_TOPIC, notify
from app.outbox.models import OutboxMessage
from app.outbox.service import drain_once
from app.resources import service as resources
from app.resources.models import ResourceFile
from app.resources.schemas import ResourceData
from app.search.engine import SearchEngine
from app.worker import registered_handlers
from tests.conftest import seed_reference_data
from tests.support.database import delete_all_rows, fresh_database, upgrade_to_head
from tests.support.factories import make_member
from tests.support.faults import ROOT, worker_environment
from tests.support.portal import add_thread, search_urls
from tests.support.sessions import sign_in_as_member

GUIDE_BYTES = b"Direct work with children: a practice guide about life story work."


def portal_command(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=ROOT,
        env=worker_environment(settings),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_backup_wipe_restore_serves_the_same_content_with_search_rebuilt(
    settings: Settings, tmp_path: Path
) -> None:
    with fresh_database(tmp_path) as url:
        upgrade_to_head(url)
        portal_settings = settings.model_copy(
            update={
                "database_url": url,
                "data_dir": tmp_path / "data",
                "meili_index_prefix": f"backup{uuid.uuid4().hex[:6]}",
            }
        )
        app = create_app(portal_settings)
        factory = app.state.session_factory
        engine: SearchEngine = app.state.search_engine
        try:
            seed_reference_data(app)
            with factory() as db:
                member = make_member(db, name="Bea Backup", issuer="https://idp.test")
            with transaction(factory) as db:
                resource = resources.create_resource(
                    db,
                    storage=app.state.file_storage,
                    actor=db.get_one(Member, member.id),
                    data=ResourceData(
                        title="Life story work",
                        summary="A guide.",
                        type="practice_guide",
                        topics=[],
                    ),
                    uploads=[resources.Upload("guide.txt", io.BytesIO(GUIDE_BYTES))],
                    max_bytes=1024 * 1024,
                )
                resource_id = resource.id
                file_id = db.execute(
                    select(ResourceFile.id).where(ResourceFile.resource_id == resource_id)
                ).scalar_one()
            thread_id, _post = add_thread(app, member.id, "Supervision in practice", "How often?")
            handlers = registered_handlers(factory, portal_settings)
            indexing = {
                topic: handler for topic, handler in handlers.items() if "mail" not in topic
            }
            while drain_once(factory, indexing):
                pass
            with transaction(factory) as db:  # queued, not yet sent, when the backup is made
                notify(
                    db,
                    member_id=member.id,
                    kind=NotificationKind.MEMBERSHIP_DECISION,
                    subject_type="member",
                    subject_id=member.id,
                    detail={"decision": "reinstated"},
                )

            browser = TestClient(app, follow_redirects=False)
            sign_in_as_member(browser, member)
            download = f"/resources/{resource_id}/files/{file_id}/download"
            before_page = browser.get(f"/resources/{resource_id}")
            assert before_page.status_code == 200 and "Life story work" in before_page.text
            assert browser.get(download).content == GUIDE_BYTES
            before_search = sorted(
                search_urls(browser, "life story") + search_urls(browser, "supervision")
            )
            assert f"/resources/{resource_id}" in before_search

            archive = tmp_path / "backup.tar.gz"
            made = portal_command(portal_settings, "backup", str(archive))
            assert made.returncode == 0, made.stderr
            assert "1 stored files" in made.stdout

            # the wipe: every row, every stored file, the index
            delete_all_rows(app.state.engine)
            shutil.rmtree(portal_settings.resolved_files_dir)
            client = engine.client()
            for uid in (engine.content_uid, engine.index_uid("meta")):
                engine.wait(client, [client.delete_index(uid).task_uid])
            assert browser.get(f"/resources/{resource_id}").status_code in (303, 401, 404)

            refused = portal_command(portal_settings, "restore", str(archive))
            assert refused.returncode == 2 and "--yes" in refused.stderr
            restored = portal_command(portal_settings, "restore", str(archive), "--yes")
            assert restored.returncode == 0, restored.stderr
            assert "index rebuilt" in restored.stdout
            app.state.engine.dispose()

            after_page = browser.get(f"/resources/{resource_id}")  # the session is back too
            assert after_page.status_code == 200 and "Life story work" in after_page.text
            assert browser.get(download).content == GUIDE_BYTES
            after_search = sorted(
                search_urls(browser, "life story") + search_urls(browser, "supervision")
            )
            assert after_search == before_search
            assert any(thread_id in url for url in after_search)
            with transaction(factory) as db:
                mail = db.execute(
                    select(OutboxMessage).where(OutboxMessage.topic == EMAIL_TOPIC)
                ).scalar_one()
                assert mail.processed_at is not None
                assert mail.last_error == "cleared by portal restore"
        finally:
            app.state.engine.dispose()


def test_restore_refuses_what_portal_backup_did_not_make(
    settings: Settings, tmp_path: Path
) -> None:
    stranger = tmp_path / "not-a-backup.tar.gz"
    stranger.write_bytes(b"hello")
    answer = portal_command(settings, "restore", str(stranger), "--yes")
    assert answer.returncode == 1
    assert "the archive cannot be read" in answer.stderr
