"""The pages one process keeps: for each signed-in session and address, the last page
served, its generation and when it was rendered. Bounded by bytes; the least recently
served go first."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

PageKey = tuple[str, str]
"""(the session's token hash, the path with its query string)"""


@dataclass(frozen=True)
class KeptPage:
    generation: int
    rendered_at: float
    nonce: str
    """The CSP nonce the page was rendered with; a page served again gets a fresh one."""
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class PageStore:
    def __init__(self, *, seconds: float, max_bytes: int) -> None:
        self.seconds = seconds
        self.max_bytes = max_bytes
        self._pages: OrderedDict[PageKey, KeptPage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    def get(self, key: PageKey, generation: int) -> KeptPage | None:
        """The kept page if it was rendered at this generation and is fresh enough."""
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.generation != generation or time.monotonic() - page.rendered_at > self.seconds:
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: PageKey, page: KeptPage) -> None:
        if len(page.body) > self.max_bytes // 16:
            return
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = page
            self._bytes += len(page.body)
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._pages)))

    def _drop(self, key: PageKey) -> None:
        page = self._pages.pop(key)
        self._bytes -= len(page.body)

    def __len__(self) -> int:
        return len(self._pages)
