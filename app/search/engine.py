"""The Meilisearch connection: health for /readyz, index settings kept as data in search/,
and the few index operations the portal needs (apply settings when they changed, write
and delete documents, build a new index and swap it in)."""

from __future__ import annotations

import enum
import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import meilisearch
import requests
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchError,
    MeilisearchTimeoutError,
)

from app.config import PROJECT_ROOT, Settings
from app.search.text import stem, synonym_variants

SEARCH_DEFINITIONS_DIR = PROJECT_ROOT / "search"
CONTENT_INDEX = "content"
META_INDEX = "meta"
TASK_TIMEOUT_MS = 120_000

logger = logging.getLogger(__name__)


class IndexState(enum.Enum):
    CURRENT = "current"
    SETTINGS_APPLIED = "settings applied"
    CREATED = "created"
    """The index was missing or bare and is now empty with its settings: rebuild it."""


class SearchUnavailable(Exception):
    """Meilisearch did not answer, or answered with an error we cannot show as results."""


class TaskFailed(RuntimeError):
    """Meilisearch accepted a task and then reported it failed: the caller retries."""


def load_definition(name: str, definitions_dir: Path = SEARCH_DEFINITIONS_DIR) -> dict[str, Any]:
    return json.loads((definitions_dir / "indexes" / f"{name}.json").read_text())


def builtin_synonym_groups(definitions_dir: Path = SEARCH_DEFINITIONS_DIR) -> list[list[str]]:
    data = json.loads((definitions_dir / "synonyms.json").read_text())
    return [[term.lower() for term in group] for group in data["groups"]]


def synonym_map(groups: list[list[str]]) -> dict[str, list[str]]:
    """Meilisearch's mapping from groups of equivalent terms: each term finds all the others
    (both ways); a term in several groups finds the members of all of them. Each term is
    normalised and joined by its stemmed form (app/search/text.py), as the query and the
    stemmed fields are: built-in and admin-added groups alike."""
    mapping: dict[str, set[str]] = {}
    for group in groups:
        terms = list(dict.fromkeys(v for term in group for v in synonym_variants(term)))
        for term in terms:
            mapping.setdefault(term, set()).update(other for other in terms if other != term)
    return {term: sorted(others) for term, others in sorted(mapping.items()) if others}


def definitions_hash(definitions_dir: Path = SEARCH_DEFINITIONS_DIR) -> str:
    """The version of the index design in search/: the index JSON and the built-in synonyms."""
    digest = hashlib.sha256()
    for path in [
        *sorted((definitions_dir / "indexes").glob("*.json")),
        definitions_dir / "synonyms.json",
    ]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class SearchEngine:
    url: str
    master_key: str
    index_prefix: str
    # Per process: the definitions hash already known to be applied (saves a round trip).
    _applied: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

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

    @property
    def content_uid(self) -> str:
        return self.index_uid(CONTENT_INDEX)

    # --- tasks ---------------------------------------------------------------------------

    def wait(self, client: meilisearch.Client, task_uids: list[int]) -> None:
        """Wait for every task; raise TaskFailed unless all succeeded."""
        for uid in task_uids:
            task = client.wait_for_task(uid, timeout_in_ms=TASK_TIMEOUT_MS, interval_in_ms=20)
            if task.status != "succeeded":
                raise TaskFailed(f"Meilisearch task {uid} {task.status}: {task.error}")

    # --- settings --------------------------------------------------------------------------

    def content_settings(self, extra_synonyms: list[list[str]] | None = None) -> dict[str, Any]:
        settings = dict(load_definition(CONTENT_INDEX)["settings"])
        settings["synonyms"] = synonym_map(builtin_synonym_groups() + (extra_synonyms or []))
        # A stop word is dropped from the query, and the query is sent stemmed ("does" -> "doe").
        stop_words = settings.get("stopWords") or []
        settings["stopWords"] = sorted({*stop_words, *(stem(word) for word in stop_words)})
        return settings

    def _stored_hash(self, client: meilisearch.Client) -> str | None:
        try:
            document = client.index(self.index_uid(META_INDEX)).get_document(CONTENT_INDEX)
            client.get_index(self.content_uid)
        except MeilisearchApiError as error:
            if error.status_code == 404:
                return None
            raise
        return str(dict(document).get("settings_hash") or "") or None

    def _store_hash(self, client: meilisearch.Client, value: str) -> None:
        task = client.index(self.index_uid(META_INDEX)).add_documents(
            [{"id": CONTENT_INDEX, "settings_hash": value}], primary_key="id"
        )
        self.wait(client, [task.task_uid])

    def create_index(self, client: meilisearch.Client, uid: str, settings: dict[str, Any]) -> None:
        definition = load_definition(CONTENT_INDEX)
        tasks = [client.create_index(uid, {"primaryKey": definition["primaryKey"]}).task_uid]
        try:
            self.wait(client, tasks)
        except TaskFailed as error:
            if "index_already_exists" not in str(error):
                raise
        self.wait(client, [client.index(uid).update_settings(settings).task_uid])

    def ensure_current(self, extra_synonyms: list[list[str]] | None = None) -> IndexState:
        """Make the content index fit to be written to, before any write: created with its
        primary key and the settings from search/, or repaired when it is found missing or
        misconfigured (Meilisearch came back empty, or a write auto-created it bare).

        Checked on every call with one request (the list of indexes), so a Meilisearch that
        lost its data is noticed by the next batch, not after a restart. CREATED means the
        index is new or was rebuilt bare: its documents must be rebuilt from the database."""
        wanted = definitions_hash()
        client = self.client(timeout=30)
        indexes = {
            index.uid: index.primary_key for index in client.get_indexes({"limit": 1000})["results"]
        }
        primary_key = load_definition(CONTENT_INDEX)["primaryKey"]
        content_present = self.content_uid in indexes
        meta_present = self.index_uid(META_INDEX) in indexes
        if content_present and indexes[self.content_uid] not in (None, primary_key):
            logger.warning(
                "search index %s has the wrong primary key; re-creating it", self.content_uid
            )
            self.wait(client, [client.delete_index(self.content_uid).task_uid])
            content_present = False
        if content_present and meta_present:
            if self._applied.get(self.content_uid) == wanted:
                return IndexState.CURRENT
            if self._stored_hash(client) == wanted:
                self._applied[self.content_uid] = wanted
                return IndexState.CURRENT
        self.create_index(client, self.content_uid, self.content_settings(extra_synonyms))
        self._store_hash(client, wanted)
        self._applied[self.content_uid] = wanted
        if content_present and meta_present:
            logger.info("search settings applied to %s", self.content_uid)
            return IndexState.SETTINGS_APPLIED
        logger.warning("search index %s was missing or bare; created it", self.content_uid)
        return IndexState.CREATED

    def apply_synonyms(self, extra_synonyms: list[list[str]]) -> None:
        client = self.client(timeout=30)
        task = client.index(self.content_uid).update_synonyms(
            synonym_map(builtin_synonym_groups() + extra_synonyms)
        )
        self.wait(client, [task.task_uid])

    def mark_current(self) -> None:
        """Record that the live index carries the settings now in search/ (after a swap)."""
        wanted = definitions_hash()
        self._store_hash(self.client(timeout=30), wanted)
        self._applied[self.content_uid] = wanted

    # --- documents -------------------------------------------------------------------------

    def write(
        self,
        *,
        upserts: list[dict[str, Any]],
        delete_ids: list[str],
        delete_filters: list[str],
        index_uid: str | None = None,
    ) -> None:
        """Send the changes and wait until Meilisearch reports each one succeeded. Deletions
        by filter go last, after the upserts, so a resource never drops out in between."""
        client = self.client(timeout=30)
        index = client.index(index_uid or self.content_uid)
        tasks = []
        if upserts:
            tasks.append(index.add_documents(upserts).task_uid)
        if delete_ids:
            tasks.append(index.delete_documents(delete_ids).task_uid)
        for expression in delete_filters:
            tasks.append(index.delete_documents(filter=expression).task_uid)
        self.wait(client, tasks)

    def swap_in(self, client: meilisearch.Client, new_uid: str) -> None:
        """Swap ``new_uid`` with the live content index in one atomic task, then drop the
        old contents (now under ``new_uid``)."""
        try:
            client.get_index(self.content_uid)
        except MeilisearchApiError as error:
            if error.status_code != 404:
                raise
            self.wait(client, [client.create_index(self.content_uid).task_uid])
        self.wait(
            client, [client.swap_indexes([{"indexes": [self.content_uid, new_uid]}]).task_uid]
        )
        self.wait(client, [client.delete_index(new_uid).task_uid])


def is_unavailable(error: Exception) -> bool:
    return isinstance(error, MeilisearchError | OSError)


def is_outage(error: BaseException) -> bool:
    """Meilisearch is down, restarting or overloaded (a wait), as opposed to refusing what
    was sent (a task that failed, a 4xx answer: this row's fault)."""
    if isinstance(error, MeilisearchCommunicationError | MeilisearchTimeoutError | OSError):
        return True
    if isinstance(error, MeilisearchApiError):
        return error.status_code is None or int(error.status_code) >= 500
    return isinstance(error, requests.RequestException)
