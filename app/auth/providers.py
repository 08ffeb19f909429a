"""The configured identity providers and what their discovery documents say.

Discovery is fetched lazily and cached, so a provider that cannot be reached does not stop
the portal from starting; its sign-in button reports the problem instead.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from joserfc.jwk import KeySet

from app.config import OidcProviderConfig

METADATA_TTL_SECONDS = 3600.0
FAILURE_TTL_SECONDS = 20.0


class ProviderUnavailable(Exception):
    """The provider's discovery document or keys could not be fetched or made no sense."""


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    signing_algorithms: list[str]


@dataclass
class _CacheEntry:
    metadata: ProviderMetadata | None = None
    keys: KeySet | None = None
    fetched_at: float = 0.0
    error: str | None = None
    failed_at: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class IdentityProviders:
    def __init__(self, configs: list[OidcProviderConfig], *, timeout_seconds: float) -> None:
        self._configs = {config.name: config for config in configs}
        self._timeout = timeout_seconds
        self._cache: dict[str, _CacheEntry] = {name: _CacheEntry() for name in self._configs}

    def all(self) -> list[OidcProviderConfig]:
        return list(self._configs.values())

    def get(self, name: str) -> OidcProviderConfig | None:
        return self._configs.get(name)

    def origins(self) -> list[str]:
        """Origins a browser may be sent to (CSP form-action): the issuers and, once known,
        their authorization and end-session endpoints."""
        origins: set[str] = set()
        for name, config in self._configs.items():
            urls = [config.issuer]
            metadata = self._cache[name].metadata
            if metadata:
                urls += [metadata.authorization_endpoint, metadata.end_session_endpoint or ""]
            for url in urls:
                parts = urlsplit(url)
                if parts.scheme and parts.netloc:
                    origins.add(f"{parts.scheme}://{parts.netloc}")
        return sorted(origins)

    def last_error(self, name: str) -> str | None:
        entry = self._cache[name]
        if entry.error and time.monotonic() - entry.failed_at < FAILURE_TTL_SECONDS:
            return entry.error
        return None

    async def metadata(self, name: str) -> ProviderMetadata:
        config = self._configs[name]
        entry = self._cache[name]
        async with entry.lock:
            fresh = time.monotonic() - entry.fetched_at < METADATA_TTL_SECONDS
            if entry.metadata and fresh:
                return entry.metadata
            recent_error = self.last_error(name)
            if recent_error:
                raise ProviderUnavailable(recent_error)
            try:
                document = await self._get_json(config.discovery_url)
                entry.metadata = _parse_discovery(config, document)
            except ProviderUnavailable as error:
                entry.error, entry.failed_at = str(error), time.monotonic()
                raise
            entry.keys, entry.error = None, None
            entry.fetched_at = time.monotonic()
            return entry.metadata

    async def signing_keys(self, name: str, *, refresh: bool = False) -> KeySet:
        """The provider's JWKS; ``refresh`` refetches it, for keys rotated since the last fetch."""
        metadata = await self.metadata(name)
        entry = self._cache[name]
        async with entry.lock:
            if entry.keys is None or refresh:
                document = await self._get_json(metadata.jwks_uri)
                try:
                    entry.keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
                except Exception as error:
                    raise ProviderUnavailable(
                        f"its signing keys are unreadable ({error})"
                    ) from None
            return entry.keys

    async def check_all(self, *, max_wait_seconds: float = 2.0) -> dict[str, str | None]:
        """Try every provider's discovery at once; map name to an error, or None when it
        answered or is still being asked after ``max_wait_seconds`` (the check carries on
        in the background and fills the cache, so a slow provider cannot hold the page)."""

        async def check(name: str) -> str | None:
            try:
                await self.metadata(name)
            except ProviderUnavailable as error:
                return str(error)
            return None

        tasks = {name: asyncio.ensure_future(check(name)) for name in self._configs}
        await asyncio.wait(tasks.values(), timeout=max_wait_seconds)
        return {name: task.result() if task.done() else None for name, task in tasks.items()}

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as error:
            raise ProviderUnavailable(f"cannot be reached ({type(error).__name__})") from None
        if response.status_code != 200:
            raise ProviderUnavailable(f"answered HTTP {response.status_code}")
        try:
            document = response.json()
        except ValueError:
            raise ProviderUnavailable("answered with something that is not JSON") from None
        if not isinstance(document, dict):
            raise ProviderUnavailable("answered with unexpected JSON")
        return document


def _parse_discovery(config: OidcProviderConfig, document: dict[str, Any]) -> ProviderMetadata:
    required = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    missing = [key for key in required if not isinstance(document.get(key), str)]
    if missing:
        raise ProviderUnavailable(f"its discovery document lacks {', '.join(missing)}")
    if document["issuer"] != config.issuer:
        raise ProviderUnavailable(
            f"its discovery document names issuer {document['issuer']!r}, "
            f"not the configured {config.issuer!r}"
        )
    end_session = document.get("end_session_endpoint")
    algorithms = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    return ProviderMetadata(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
        end_session_endpoint=end_session if isinstance(end_session, str) else None,
        signing_algorithms=[alg for alg in algorithms if alg != "none"],
    )
