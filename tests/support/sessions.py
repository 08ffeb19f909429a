"""Signed-in sessions without the OpenID dance, for tests whose subject is not sign-in.

``sign_in_as_member`` leaves what a returning member's sign-in callback leaves
(app/auth/views.py ``callback`` and app/auth/service.py ``finish_sign_in``): any session the
browser already had is revoked, the identity's last sign-in time is updated, a session row
is started by the app's own ``start_session`` (which also sets the member's last_seen_at),
and the session cookie is set on the browser. The member must already exist (make_member,
add_member) and be active: sign-in admits nobody else. Sign-in itself, first sign-in and
admission are tested through the real provider in tests/test_sign_in.py and the tests
that say so.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.db import transaction, utcnow
from app.members.models import Member, MemberIdentity, MemberStatus
from app.security.sessions import revoke_session, session_cookie_name, start_session


def start_member_session(
    app: FastAPI,
    member: Member | str,
    *,
    provider_name: str = "leeds",
    previous_token: str | None = None,
) -> str:
    """Write the session row a sign-in with ``provider_name`` would; returns the cookie value."""
    member_id = member if isinstance(member, str) else member.id
    settings = app.state.settings
    with transaction(app.state.session_factory) as db:
        if previous_token:
            revoke_session(db, previous_token)
        signing_in = db.get_one(Member, member_id)
        assert signing_in.status == MemberStatus.ACTIVE, (
            f"sign-in would not admit a member who is {signing_in.status.value}"
        )
        identity = db.execute(
            select(MemberIdentity)
            .where(
                MemberIdentity.member_id == member_id,
                MemberIdentity.provider_name == provider_name,
            )
            .limit(1)
        ).scalar_one_or_none()
        if identity is not None:
            identity.last_sign_in_at = utcnow()
        return start_session(
            db, member=signing_in, provider_name=provider_name, id_token=None, settings=settings
        )


def cookie_domain(client: TestClient) -> str:
    """The domain httpx files the server's cookies under (a bare host name gets '.local')."""
    host = client.base_url.host
    return host if "." in host else f"{host}.local"


def sign_in_as_member(
    client: TestClient, member: Member | str, *, provider_name: str = "leeds"
) -> str:
    """Sign ``client`` in as an existing member without a provider; returns the member's id."""
    app: FastAPI = client.app  # type: ignore[assignment]
    name = session_cookie_name(app.state.settings)
    token = start_member_session(
        app, member, provider_name=provider_name, previous_token=client.cookies.get(name)
    )
    client.cookies.set(name, token, domain=cookie_domain(client), path="/")
    return member if isinstance(member, str) else member.id
