"""Request dependencies: the unit of work, the settings and the signed-in member.

The request's database session is the one owner of its transaction
(app/web/unit_of_work.py): it commits for an answer below 400 and rolls back for any other
answer or an exception. Services only flush.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import transaction
from app.members.models import Member
from app.members.tokens import member_for_bearer
from app.page_cache.serving import offer_kept_page
from app.policy import check_admin_only_permission, check_use_admin_area_permission
from app.policy.content import load_visible_groups
from app.security.sessions import record_last_seen, session_cookie_name
from app.security.signed_in import resolve_signed_in
from app.web.problems import is_api_path
from app.web.unit_of_work import open_unit_of_work, open_writing_unit_of_work

logger = logging.getLogger(__name__)


class NotSignedIn(Exception):
    """Raised for an anonymous request to a members-only route."""

    def __init__(self, detail: str = "Sign in to use the API.") -> None:
        super().__init__(detail)
        self.detail = detail


PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/privacy"})
PUBLIC_PATH_PREFIXES = ("/auth/", "/static/", "/calendar/", "/unsubscribe/")


DbSession = Annotated[Session, Depends(open_unit_of_work, scope="function")]
"""The request's session: read-only for GET, HEAD and OPTIONS, writing otherwise."""
WritingDbSession = Annotated[Session, Depends(open_writing_unit_of_work, scope="function")]
"""A writing session whatever the method: for GET routes that change something."""


async def get_settings_dep(request: Request) -> Settings:
    """async, as are the other dependencies that only read the request: FastAPI runs a
    plain ``def`` dependency in the thread pool, a hop every request would pay."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def is_public_path(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PATH_PREFIXES)


def authenticate(request: Request, settings: SettingsDep) -> None:
    """Applied to every route: resolves the session (or, on the API, a bearer token) and
    turns anonymous visitors away from anything that is not public.

    It reads in its own short transaction, finished before the route starts, so the
    route's transaction is not held while a route awaits the network; one statement
    (app/security/signed_in.py) finds the session, the member, the groups whose content
    they may see and their unread notifications. The reads take no
    write lock (app/db.py make_read_session_factory); the session's last-seen time, when
    due (once a minute at most), is a separate short write. A GET of a page the session was
    served before, with nothing written anywhere since, is answered here from the page
    cache (app/page_cache/serving.py)."""
    request.state.member = None
    request.state.web_session = None
    request.state.unread_notifications = 0
    authorization = request.headers.get("authorization", "")
    bearer = is_api_path(request.url.path) and authorization[:7].lower() == "bearer "
    token = request.cookies.get(session_cookie_name(settings))
    if not bearer and not token:
        if not is_public_path(request.url.path):
            raise NotSignedIn
        return
    if bearer:
        with transaction(request.app.state.session_factory) as db:
            member = member_for_bearer(db, authorization[7:].strip())
            if member is None:
                raise NotSignedIn(
                    "The API token is not valid, was revoked, or its member is not active."
                )
            load_visible_groups(db, member)
            request.state.member = member
            return
    with transaction(request.app.state.read_session_factory) as db:
        signed_in = resolve_signed_in(db, token, settings=settings) if token else None
    active = signed_in.active if signed_in is not None else None
    if signed_in is not None:
        request.state.unread_notifications = signed_in.unread_notifications
    if active is not None and active.last_seen_due:
        try:
            with transaction(request.app.state.session_factory) as db:
                record_last_seen(db, active)
        except OperationalError as error:  # bookkeeping: the page is served all the same
            logger.warning("last-seen time not recorded: %s", error)
    if signed_in is not None and active is not None:
        request.state.member = active.member
        request.state.web_session = active.session
        offer_kept_page(request, active.session.token_hash, signed_in.page_generation)
    elif not is_public_path(request.url.path):
        raise NotSignedIn


async def get_current_member(request: Request) -> Member:
    member = getattr(request.state, "member", None)
    if member is None:
        raise NotSignedIn
    return member


CurrentMember = Annotated[Member, Depends(get_current_member)]


async def require_staff(member: CurrentMember) -> None:
    """Router-wide guard for the admin area: runs before the body is validated, so a
    non-admin gets 404, never a 422 that would reveal the route."""
    check_use_admin_area_permission(member)


async def require_admin(member: CurrentMember) -> None:
    check_admin_only_permission(member)
