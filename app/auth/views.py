"""Sign-in pages, the per-provider login and callback routes, and sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app.auth import service
from app.auth.oidc import SignInRefused, build_authorization_request, exchange_code
from app.auth.providers import IdentityProviders, ProviderUnavailable
from app.config import OidcProviderConfig
from app.db import transaction
from app.security.rate_limits import address_rate_limit
from app.security.sessions import revoke_session, session_cookie_name
from app.web.deps import DbSession, SettingsDep
from app.web.flash import flash
from app.web.templating import render

router = APIRouter(prefix="/auth", tags=["auth"])


def _providers(request: Request) -> IdentityProviders:
    return request.app.state.identity_providers


async def _sign_in_page(
    request: Request, *, error: str | None = None, next_path: str = "/", status_code: int = 200
) -> Response:
    providers = _providers(request)
    problems = await providers.check_all()
    return render(
        request,
        "auth/sign_in.html",
        {
            "providers": providers.all(),
            "provider_problems": problems,
            "error": error,
            "next_path": next_path,
        },
        status_code=status_code,
    )


@router.get("/sign-in", summary="Sign-in page with one button per identity provider")
async def sign_in(request: Request, next: Annotated[str | None, Query()] = None) -> Response:
    next_path = service.safe_return_path(next)
    if getattr(request.state, "member", None) is not None:
        return RedirectResponse(next_path, status_code=303)
    return await _sign_in_page(request, next_path=next_path)


def _known_provider(request: Request, name: str) -> OidcProviderConfig | None:
    return _providers(request).get(name)


async def _unknown_provider(request: Request) -> Response:
    return await _sign_in_page(
        request,
        error="There is no identity provider by that name. Choose one of the buttons below.",
        status_code=404,
    )


@router.get(
    "/{provider_name}/login",
    summary="Start signing in with one identity provider",
    dependencies=[Depends(address_rate_limit("sign_in_start"))],
)
async def login(
    request: Request,
    provider_name: str,
    settings: SettingsDep,
    next: Annotated[str | None, Query()] = None,
) -> Response:
    provider = _known_provider(request, provider_name)
    if provider is None:
        return await _unknown_provider(request)
    return_to = service.safe_return_path(next)
    try:
        metadata = await _providers(request).metadata(provider.name)
    except ProviderUnavailable as error:
        return await _sign_in_page(
            request,
            error=f"{provider.label} {error}. Please try again in a few minutes.",
            next_path=return_to,
            status_code=503,
        )
    authorization = build_authorization_request(
        provider, metadata, service.callback_url(settings, provider.name)
    )
    browser_secret = service.new_browser_secret()

    def record() -> None:
        with transaction(request.app.state.session_factory) as db:
            service.record_attempt(
                db,
                request=authorization,
                provider_name=provider.name,
                browser_secret=browser_secret,
                return_to=return_to,
            )

    await run_in_threadpool(record)
    response = RedirectResponse(authorization.url, status_code=303)
    response.set_cookie(
        service.BROWSER_COOKIE,
        browser_secret,
        max_age=int(service.SIGN_IN_ATTEMPT_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.uses_https,
        path="/auth/",
    )
    return response


@router.get(
    "/{provider_name}/callback",
    summary="Where the identity provider sends the browser back",
    dependencies=[Depends(address_rate_limit("sign_in_callback"))],
)
async def callback(
    request: Request,
    provider_name: str,
    settings: SettingsDep,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
    error_description: str | None = None,
) -> Response:
    """Completes a sign-in in two transactions on purpose: the attempt is deleted and
    committed before the code is exchanged, so a replayed callback can never succeed."""
    provider = _known_provider(request, provider_name)
    if provider is None:
        return await _unknown_provider(request)
    factory = request.app.state.session_factory
    browser_secret = request.cookies.get(service.BROWSER_COOKIE)

    def claim() -> tuple[str, str, str]:
        with transaction(factory) as db:
            attempt = service.claim_attempt(
                db, provider_name=provider.name, state=state, browser_secret=browser_secret
            )
            return attempt.nonce, attempt.code_verifier, attempt.return_to

    try:
        if error or not code:
            described = f": {error_description}" if error_description else ""
            raise SignInRefused(
                f"{provider.label} did not sign you in ({error or 'no code'}{described})."
            )
        nonce, code_verifier, return_to = await run_in_threadpool(claim)
        identity = await exchange_code(
            providers=_providers(request),
            config=provider,
            redirect_uri=service.callback_url(settings, provider.name),
            code=code,
            code_verifier=code_verifier,
            nonce=nonce,
            timeout=settings.oidc_http_timeout_seconds,
        )
    except (SignInRefused, ProviderUnavailable) as refusal:
        return await _sign_in_page(request, error=str(refusal), status_code=400)

    previous_token = request.cookies.get(session_cookie_name(settings))

    def finish() -> service.SignedIn | service.NotAdmitted:
        with transaction(factory) as db:
            return service.finish_sign_in(
                db,
                settings=settings,
                provider=provider,
                identity=identity,
                return_to=return_to,
                previous_session_token=previous_token,
            )

    signed_in = await run_in_threadpool(finish)
    if isinstance(signed_in, service.NotAdmitted):
        response = render(
            request,
            "auth/not_admitted.html",
            {"headline": signed_in.headline, "message": signed_in.message},
            status_code=403,
        )
        response.delete_cookie(session_cookie_name(settings), path="/")
        return response

    response = RedirectResponse(signed_in.return_to, status_code=303)
    response.set_cookie(
        session_cookie_name(settings),
        signed_in.session_token,
        max_age=settings.session_absolute_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.uses_https,
        path="/",
    )
    response.delete_cookie(service.BROWSER_COOKIE, path="/auth/")
    flash(request, response, f"Signed in as {signed_in.member_name}.")
    return response


@router.post("/sign-out", summary="End this session here and, where offered, at the provider")
async def sign_out(request: Request, settings: SettingsDep, db: DbSession) -> Response:
    web_session = request.state.web_session
    destination = "/auth/signed-out"
    provider = _known_provider(request, web_session.provider_name) if web_session else None
    if provider is not None:
        try:
            metadata = await _providers(request).metadata(provider.name)
        except ProviderUnavailable:
            metadata = None
        destination = (
            service.end_session_redirect(
                end_session_endpoint=metadata.end_session_endpoint if metadata else None,
                id_token=web_session.id_token,
                client_id=provider.client_id,
                settings=settings,
            )
            or destination
        )
    token = request.cookies.get(session_cookie_name(settings))
    if token:
        await run_in_threadpool(revoke_session, db, token)
    response = RedirectResponse(destination, status_code=303)
    response.delete_cookie(session_cookie_name(settings), path="/")
    return response


@router.get("/signed-out", summary="Confirmation that the session has ended")
async def signed_out(request: Request) -> Response:
    return render(request, "auth/signed_out.html")
