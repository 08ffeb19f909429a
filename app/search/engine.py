"""The Meilisearch connection: health for /readyz and index settings kept as data in search/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import meilisearch
from meilisearch.errors import MeilisearchApiError, MeilisearchCommunicationError

from app.config import PROJECT_ROOT, Settings

SEARCH_DEFINITIONS_DIR = PROJECT_ROOT / "search"


@dataclass(frozen=True)
class SearchEngine:
    url: str
    master_key: str
    index_prefix: str

    @classmethod
    def from_settings(cls, settings: Settings) -> SearchEngine:
        return cls(
            url=settings.meili_url.rstrip("/"),
            master_key=settings.meili_master_key.get_secret_value(),
            index_prefix=settings.meili_index_prefix,
        )

    def client(self, timeout: int = 5) -> meilisearch.Client:
        return meilisearch.Client(self.url, self.master_key, timeout=timeout)

    def health_problem(self) -> str | None:
        """None when Meilisearch answers healthy, else what is wrong."""
        try:
            self.client(timeout=2).health()
        except MeilisearchCommunicationError as error:
            return f"unreachable ({type(error.__cause__ or error).__name__})"
        except MeilisearchApiError as error:
            return f"answered {error.status_code}"
        return None

    def index_uid(self, name: str) -> str:
        return f"{self.index_prefix}_{name}"

    def apply_index_definitions(self, definitions_dir: Path = SEARCH_DEFINITIONS_DIR) -> list[str]:
        """Create each index described in search/indexes/*.json and apply its settings."""
        client = self.client(timeout=30)
        applied = []
        for path in sorted((definitions_dir / "indexes").glob("*.json")):
            definition: dict[str, Any] = json.loads(path.read_text())
            uid = self.index_uid(path.stem)
            task = client.create_index(uid, {"primaryKey": definition["primaryKey"]})
            client.wait_for_task(task.task_uid, timeout_in_ms=30_000)
            task = client.index(uid).update_settings(definition["settings"])
            finished = client.wait_for_task(task.task_uid, timeout_in_ms=60_000)
            if finished.status != "succeeded":
                raise RuntimeError(f"settings for {uid} were refused: {finished.error}")
            applied.append(uid)
        return applied
