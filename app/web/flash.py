"""One-request messages ("You have signed out") carried in a short-lived signed cookie.

The cookie holds only the message text the portal wrote, never member data.
"""

from __future__ import annotations

from typing import Literal

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.web.unit_of_work import mark_refused

FLASH_COOKIE = "portal_flash"
FLASH_MAX_AGE_SECONDS = 120
FlashKind = Literal["success", "info", "error"]


def _serializer(request: Request) -> URLSafeTimedSerializer:
    secret = request.app.state.settings.secret_key.get_secret_value()
    return URLSafeTimedSerializer(secret, salt="flash")


def flash(request: Request, response: Response, message: str, kind: FlashKind = "success") -> None:
    """An "error" message answers a refused action, so the request's writes are dropped."""
    if kind == "error":
        mark_refused(request)
    value = _serializer(request).dumps({"message": message, "kind": kind})
    response.set_cookie(
        FLASH_COOKIE,
        value,
        max_age=FLASH_MAX_AGE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.uses_https,
    )


def pop_flash(request: Request) -> dict[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        value = _serializer(request).loads(raw, max_age=FLASH_MAX_AGE_SECONDS)
    except BadSignature:
        return None
    return value if isinstance(value, dict) else None
