"""Rate limits, all in one table: how often one member may post, reply, react, report,
upload, book and make API tokens, and how often one address may start and finish signing
in. Counted by the ``limits`` library in fixed windows (a burst past the limit is refused
until the window ends; the next window starts from nothing).

Storage is PORTAL_RATE_LIMIT_STORAGE: ``memory://`` (the default) counts in each process
separately, so with ``--workers N`` a member gets up to N times the limit; ``redis://host``
shares the counts between processes and servers. PORTAL_RATE_LIMITS overrides single
limits, e.g. ``{"reply": "20/minute"}`` (docs/decisions.md, README).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from typing import Literal

from fastapi import Request
from limits import RateLimitItem, parse, storage, strategies

logger = logging.getLogger(__name__)

RateLimitedAction = Literal[
    "thread",
    "reply",
    "reaction",
    "report",
    "upload",
    "booking",
    "api_token",
    "sign_in_start",
    "sign_in_callback",
]

DEFAULT_LIMITS: dict[str, str] = {
    "thread": "5/minute",
    "reply": "10/minute",
    "reaction": "60/minute",
    "report": "10/minute",
    "upload": "30/hour",
    "booking": "20/minute",
    "api_token": "10/hour",
    # Per address: a council's staff may all sign in through one address at nine in the
    # morning, so the limit is set for a crowd, well below a script's hundreds a second.
    "sign_in_start": "300/minute",
    "sign_in_callback": "300/minute",
}

WHAT_IS_LIMITED: dict[str, str] = {
    "thread": "started threads",
    "reply": "replied",
    "reaction": "reacted to posts",
    "report": "sent reports",
    "upload": "uploaded files",
    "booking": "changed bookings",
    "api_token": "made API tokens",
    "sign_in_start": "started signing in from this address",
    "sign_in_callback": "finished signing in from this address",
}


class RateLimited(Exception):
    """429: too many of one action in the current window; ``retry_after`` in seconds."""

    def __init__(self, action: str, retry_after: int) -> None:
        wait = f"{retry_after} second{'s' if retry_after != 1 else ''}"
        super().__init__(
            f"You have {WHAT_IS_LIMITED.get(action, 'done that')} many times in a short "
            f"while, so the portal is pausing this for a moment. Nothing was lost: try again "
            f"in {wait}."
        )
        self.action = action
        self.retry_after = retry_after


def parse_limits(overrides: Mapping[str, str]) -> dict[str, RateLimitItem]:
    """The default table with ``overrides`` applied; ValueError names an unknown action or
    a limit the library cannot read."""
    unknown = sorted(set(overrides) - set(DEFAULT_LIMITS))
    if unknown:
        raise ValueError(f"unknown action {', '.join(unknown)}; known: {', '.join(DEFAULT_LIMITS)}")
    table: dict[str, RateLimitItem] = {}
    for action, text in {**DEFAULT_LIMITS, **overrides}.items():
        try:
            table[action] = parse(text)
        except ValueError:
            raise ValueError(f"{action}: {text!r} is not a limit such as '10/minute'") from None
    return table


class RateLimiter:
    """One per process (app.state.rate_limiter)."""

    def __init__(self, storage_uri: str, overrides: Mapping[str, str]) -> None:
        self.limits = parse_limits(overrides)
        self.storage = storage.storage_from_string(storage_uri)
        self.strategy = strategies.FixedWindowRateLimiter(self.storage)

    def hit(self, action: RateLimitedAction, key: str) -> None:
        """Count one ``action`` by ``key`` (a member id, an address) or raise RateLimited.

        If the shared storage (Redis) cannot be reached, the action is let through and the
        outage logged: a limit is a brake on abuse, not a reason to stop members working."""
        limit = self.limits[action]
        try:
            if self.strategy.hit(limit, action, key):
                return
        except Exception as error:  # the storage's own errors (redis-py's) vary by driver
            logger.warning("rate limit storage unavailable, %s not counted: %s", action, error)
            return
        reset_at = self.strategy.get_window_stats(limit, action, key).reset_time
        raise RateLimited(action, max(1, math.ceil(reset_at - time.time())))

    def reset(self) -> None:
        self.storage.reset()


def _limiter(request: Request) -> RateLimiter:
    return request.app.state.rate_limiter


def client_address(request: Request) -> str:
    """The caller's address (uvicorn applies X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else "unknown"


def check_member_rate(request: Request, action: RateLimitedAction) -> None:
    """For views that catch RateLimited to show a form again, filled in."""
    member = getattr(request.state, "member", None)
    key = member.id if member is not None else client_address(request)
    _limiter(request).hit(action, key)


def member_rate_limit(action: RateLimitedAction) -> Callable[[Request], None]:
    """A route dependency: counts the signed-in member's ``action``, or answers 429."""

    def dependency(request: Request) -> None:
        check_member_rate(request, action)

    return dependency


def address_rate_limit(action: RateLimitedAction) -> Callable[[Request], None]:
    """A route dependency: counts ``action`` from the caller's address, or answers 429."""

    def dependency(request: Request) -> None:
        _limiter(request).hit(action, client_address(request))

    return dependency
