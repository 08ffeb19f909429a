"""Serving a kept page, and keeping the pages worth keeping.

``offer_kept_page`` runs in the request's set-up (app/web/deps.py authenticate), once the
session is known to be live and its member active: it answers with the kept page by raising
``ServeKeptPage``, or marks the request so that ``PageCacheMiddleware`` keeps its answer.
Only a signed-in GET of an HTML page qualifies, never the API, never with a message waiting
in the flash cookie, and only an answer of 200 without cookies is kept. Access is decided
before a kept page is served, since the set-up has just read the session, the member and
the generation; and a page is only ever served again to the session it was rendered for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.page_cache.store import KeptPage, PageKey, PageStore
from app.web.flash import FLASH_COOKIE
from app.web.problems import is_api_path

OFFER_KEY = "page_cache_offer"
CACHE_HEADER = "X-Page-Cache"
LARGEST_PAGE_BYTES = 1_000_000


@dataclass(frozen=True)
class PageOffer:
    key: PageKey
    generation: int
    nonce: str
    offered_at: float


class ServeKeptPage(Exception):
    def __init__(self, page: KeptPage) -> None:
        super().__init__("served from the page cache")
        self.page = page


def install_page_cache(app: FastAPI, settings: Settings) -> None:
    app.state.page_store = PageStore(
        seconds=settings.page_cache_seconds, max_bytes=settings.page_cache_megabytes * 1_000_000
    )
    app.add_exception_handler(ServeKeptPage, _serve_kept_page)  # type: ignore[arg-type]


def offer_kept_page(request: Request, token_hash: str, generation: int | None) -> None:
    store: PageStore = request.app.state.page_store
    if (
        not store.enabled
        or generation is None
        or request.method != "GET"
        or is_api_path(request.url.path)
        or FLASH_COOKIE in request.cookies
    ):
        return
    query = request.url.query
    key = (token_hash, f"{request.url.path}?{query}" if query else request.url.path)
    page = store.get(key, generation)
    if page is not None:
        raise ServeKeptPage(page)
    request.state.page_cache_offer = PageOffer(
        key=key,
        generation=generation,
        nonce=getattr(request.state, "csp_nonce", ""),
        offered_at=time.monotonic(),
    )


async def _serve_kept_page(request: Request, served: ServeKeptPage) -> Response:
    page = served.page
    nonce = getattr(request.state, "csp_nonce", "")
    body = page.body.replace(page.nonce.encode(), nonce.encode()) if page.nonce else page.body
    response = Response(content=body)
    response.raw_headers = [
        *page.headers,
        (b"content-length", str(len(body)).encode()),
        (CACHE_HEADER.lower().encode(), b"hit"),
    ]
    return response


class PageCacheMiddleware:
    """Keeps an offered page once its whole answer has passed. Sits just outside the unit
    of work, so the answer it sees is the committed one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        keeping = False

        async def send_and_keep(message: Message) -> None:
            nonlocal keeping
            if message["type"] == "http.response.start":
                headers.extend(message.get("headers", []))
                keeping = _keepable(scope, int(message["status"]), headers)
            elif message["type"] == "http.response.body" and keeping:
                chunks.append(message.get("body", b""))
                if sum(len(chunk) for chunk in chunks) > LARGEST_PAGE_BYTES:
                    keeping = False
                elif not message.get("more_body", False):
                    _keep(scope, headers, b"".join(chunks))
            await send(message)

        await self.app(scope, receive, send_and_keep)


def _keepable(scope: Scope, status: int, headers: list[tuple[bytes, bytes]]) -> bool:
    if status != 200 or (scope.get("state") or {}).get(OFFER_KEY) is None:
        return False
    names = {name.lower(): value for name, value in headers}
    return b"set-cookie" not in names and names.get(b"content-type", b"").startswith(b"text/html")


def _keep(scope: Scope, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    offer: PageOffer = scope["state"][OFFER_KEY]
    scope["app"].state.page_store.put(
        offer.key,
        KeptPage(
            generation=offer.generation,
            rendered_at=offer.offered_at,
            nonce=offer.nonce,
            headers=tuple(
                (name, value) for name, value in headers if name.lower() != b"content-length"
            ),
            body=body,
        ),
    )
