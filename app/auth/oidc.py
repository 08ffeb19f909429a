"""The OpenID Connect authorization code flow with PKCE, through Authlib.

Authlib builds the authorization request and exchanges the code; joserfc (Authlib's JOSE
library) checks the ID token: signature against the provider's JWKS, issuer exactly,
audience, expiry and nonce.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.integrations.httpx_client import OAuthError as AuthlibOAuthError
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from app.auth.providers import IdentityProviders, ProviderMetadata
from app.config import OidcProviderConfig

CLOCK_LEEWAY_SECONDS = 60


class SignInRefused(Exception):
    """The sign-in cannot complete; the message is safe to show to the person signing in."""


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class VerifiedIdentity:
    issuer: str
    subject: str
    claims: dict[str, Any]
    id_token: str


def _client(config: OidcProviderConfig, redirect_uri: str, timeout: float) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=config.client_id,
        client_secret=config.client_secret.get_secret_value(),
        scope=" ".join(config.scopes),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=timeout,
    )


def build_authorization_request(
    config: OidcProviderConfig, metadata: ProviderMetadata, redirect_uri: str
) -> AuthorizationRequest:
    state, nonce, code_verifier = generate_token(40), generate_token(40), generate_token(64)
    client = _client(config, redirect_uri, timeout=10)
    url, _ = client.create_authorization_url(
        metadata.authorization_endpoint, state=state, nonce=nonce, code_verifier=code_verifier
    )
    return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=code_verifier)


async def exchange_code(
    *,
    providers: IdentityProviders,
    config: OidcProviderConfig,
    redirect_uri: str,
    code: str,
    code_verifier: str,
    nonce: str,
    timeout: float,
) -> VerifiedIdentity:
    metadata = await providers.metadata(config.name)
    async with _client(config, redirect_uri, timeout) as client:
        try:
            token = await client.fetch_token(
                metadata.token_endpoint, code=code, code_verifier=code_verifier
            )
        except AuthlibOAuthError as error:
            raise SignInRefused(
                f"{config.label} refused to complete the sign-in ({error.error}). "
                "The link may have been used already; please start again."
            ) from None
        except Exception:
            raise SignInRefused(
                f"{config.label} could not be reached to complete the sign-in. Please try again."
            ) from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefused(f"{config.label} did not send an ID token.")
    verify = {
        "algorithms": metadata.signing_algorithms,
        "issuer": metadata.issuer,
        "client_id": config.client_id,
        "nonce": nonce,
    }
    try:
        claims = verify_id_token(id_token, keys=await providers.signing_keys(config.name), **verify)
    except InvalidKeyIdError:
        # The provider may have rotated its keys since they were cached: fetch them once more.
        keys = await providers.signing_keys(config.name, refresh=True)
        try:
            claims = verify_id_token(id_token, keys=keys, **verify)
        except InvalidKeyIdError:
            raise SignInRefused(_SIGNATURE_MESSAGE) from None
    return VerifiedIdentity(
        issuer=metadata.issuer, subject=str(claims["sub"]), claims=claims, id_token=id_token
    )


_SIGNATURE_MESSAGE = (
    "The identity provider's token failed its signature check, so you were not signed in."
)


def verify_id_token(
    id_token: str,
    *,
    keys: KeySet,
    algorithms: list[str],
    issuer: str,
    client_id: str,
    nonce: str,
) -> dict[str, Any]:
    """Check an ID token and return its claims.

    Raises InvalidKeyIdError when the token names a key the set lacks (the caller may
    refetch the JWKS), and SignInRefused for every other fault.
    """
    try:
        token = jwt.decode(id_token, keys, algorithms=algorithms)
    except InvalidKeyIdError:
        raise
    except (JoseError, ValueError):
        raise SignInRefused(_SIGNATURE_MESSAGE) from None
    registry = jwt.JWTClaimsRegistry(
        leeway=CLOCK_LEEWAY_SECONDS,
        iss={"essential": True, "value": issuer},
        sub={"essential": True},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(token.claims)
    except JoseError as error:
        raise SignInRefused(_claim_message(str(getattr(error, "claim", "") or error))) from None
    audiences = token.claims["aud"] if isinstance(token.claims["aud"], list) else []
    if len(audiences) > 1 and token.claims.get("azp") != client_id:
        raise SignInRefused(_claim_message("azp"))
    return dict(token.claims)


def _claim_message(claim: str) -> str:
    reasons = {
        "iss": "was issued by an unexpected issuer",
        "aud": "was meant for another application",
        "azp": "was meant for another application",
        "exp": "has expired",
        "iat": "has an impossible issue time",
        "nbf": "is not valid yet",
        "nonce": "does not belong to this sign-in (nonce mismatch)",
        "sub": "names no subject",
    }
    reason = next((text for key, text in reasons.items() if key in claim), "failed its checks")
    return f"The identity provider's token {reason}, so you were not signed in."
