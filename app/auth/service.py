"""Sign-in and sign-out: the rules around the OIDC flow and the session it starts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.auth.oidc import AuthorizationRequest, SignInRefused, VerifiedIdentity
from app.config import OidcProviderConfig, Settings
from app.db import utcnow
from app.members.service import admit_identity
from app.security.models import SignInAttempt
from app.security.sessions import hash_token, revoke_session, start_session

SIGN_IN_ATTEMPT_LIFETIME = timedelta(minutes=15)
BROWSER_COOKIE = "portal_signin"


def callback_url(settings: Settings, provider_name: str) -> str:
    return f"{settings.base_url}/auth/{provider_name}/callback"


def safe_return_path(candidate: str | None) -> str:
    """Only same-site paths, so the sign-in flow cannot be used as an open redirect."""
    if candidate and candidate.startswith("/") and not candidate.startswith(("//", "/\\")):
        return candidate[:500]
    return "/"


def new_browser_secret() -> str:
    return secrets.token_urlsafe(24)


def record_attempt(
    db: Session,
    *,
    request: AuthorizationRequest,
    provider_name: str,
    browser_secret: str,
    return_to: str,
) -> None:
    now = utcnow()
    db.execute(delete(SignInAttempt).where(SignInAttempt.expires_at < now))
    db.add(
        SignInAttempt(
            state=request.state,
            browser_hash=hash_token(browser_secret),
            provider_name=provider_name,
            nonce=request.nonce,
            code_verifier=request.code_verifier,
            return_to=return_to,
            created_at=now,
            expires_at=now + SIGN_IN_ATTEMPT_LIFETIME,
        )
    )
    db.flush()


def claim_attempt(
    db: Session, *, provider_name: str, state: str | None, browser_secret: str | None
) -> SignInAttempt:
    """Take the attempt this callback answers, once: it is deleted whatever happens next."""
    attempt = db.get(SignInAttempt, state) if state else None
    if attempt is not None:
        db.delete(attempt)
        db.flush()
    if (
        attempt is None
        or attempt.provider_name != provider_name
        or not browser_secret
        or not secrets.compare_digest(attempt.browser_hash, hash_token(browser_secret))
        or attempt.expires_at <= utcnow()
    ):
        raise SignInRefused(
            "This sign-in could not be matched to one you started in this browser "
            "(wrong or expired state). Please sign in again."
        )
    return attempt


@dataclass(frozen=True)
class SignedIn:
    session_token: str
    return_to: str
    member_name: str


@dataclass(frozen=True)
class NotAdmitted:
    """The identity is known (and recorded) but its member may not come in yet or any more."""

    headline: str
    message: str


def finish_sign_in(
    db: Session,
    *,
    settings: Settings,
    provider: OidcProviderConfig,
    identity: VerifiedIdentity,
    return_to: str,
    previous_session_token: str | None,
) -> SignedIn | NotAdmitted:
    if previous_session_token:
        revoke_session(db, previous_session_token)
    admission = admit_identity(
        db,
        provider=provider,
        issuer=identity.issuer,
        subject=identity.subject,
        claims=identity.claims,
    )
    if not admission.admitted:
        return NotAdmitted(headline=admission.headline, message=admission.message)
    member = admission.member
    token = start_session(
        db,
        member=member,
        provider_name=provider.name,
        id_token=identity.id_token,
        settings=settings,
    )
    if member.onboarded_at is None:
        # admitted for the first time: a few questions first, then where they were going
        return_to = f"/welcome?{urlencode({'next': return_to})}"
    return SignedIn(session_token=token, return_to=return_to, member_name=member.display_name)


def end_session_redirect(
    *, end_session_endpoint: str | None, id_token: str | None, client_id: str, settings: Settings
) -> str | None:
    """Where to send the browser for RP-initiated logout at the provider, if it offers it."""
    if not end_session_endpoint:
        return None
    params = {
        "client_id": client_id,
        "post_logout_redirect_uri": f"{settings.base_url}/auth/signed-out",
    }
    if id_token:
        params["id_token_hint"] = id_token
    separator = "&" if "?" in end_session_endpoint else "?"
    return f"{end_session_endpoint}{separator}{urlencode(params)}"
