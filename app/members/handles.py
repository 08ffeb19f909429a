"""Mention handles: ``@jane.smith``. Made from the display name when a member is created,
unique, lower case, and kept when the name changes so that old mentions still point to
the same person."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

HANDLE_PATTERN = r"[a-z0-9](?:[a-z0-9._-]{0,38}[a-z0-9])?"
MAX_BASE_LENGTH = 30

MENTION = re.compile(rf"(?<![\w@.&/])@({HANDLE_PATTERN})", re.IGNORECASE)
"""``@handle`` not preceded by a word character, ``@``, ``.``, ``&`` or ``/`` (so neither an
e-mail address nor a URL)."""
_FENCED_CODE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")


def handle_base(display_name: str) -> str:
    ascii_name = (
        unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode().lower()
    )
    base = re.sub(r"[^a-z0-9]+", ".", ascii_name).strip(".")[:MAX_BASE_LENGTH].strip(".")
    return base or "member"


def choose_handle(display_name: str, is_taken: Callable[[str], bool]) -> str:
    base = handle_base(display_name)
    candidate, number = base, 1
    while is_taken(candidate):
        number += 1
        candidate = f"{base}{number}"
    return candidate


def mention_href(handle: str) -> str:
    return f"/members/handle/{handle.lower().rstrip('._-')}"


def mentioned_handles(markdown: str) -> list[str]:
    """Handles written as ``@handle`` outside code, lower-cased, first mention first."""
    text = _INLINE_CODE.sub(" ", _FENCED_CODE.sub(" ", markdown))
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text):
        seen.setdefault(match.group(1).lower().rstrip("._-"), None)
    return list(seen)


def new_mentions(body: str, previous: str | None) -> list[str]:
    before: Iterable[str] = mentioned_handles(previous) if previous else ()
    return [handle for handle in mentioned_handles(body) if handle not in set(before)]
