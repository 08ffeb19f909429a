"""An OpenID provider that misbehaves on request: it issues ID tokens with a wrong nonce,
audience or issuer, expired ones, or ones signed with a key it never published.

oidc-provider-mock always issues correct tokens, so these refusals need a provider of our
own. It is a real HTTP server on a free port, speaking the same protocol as any IdP.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

import uvicorn
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

MODES = ("ok", "wrong_nonce", "wrong_audience", "wrong_issuer", "expired", "bad_signature")


class HostileIdentityProvider:
    def __init__(self, port: int) -> None:
        self.port = port
        self.issuer = f"http://127.0.0.1:{port}"
        self.mode = "ok"
        self.signing_key = RSAKey.generate_key(2048, parameters={"kid": "published"})
        self.unpublished_key = RSAKey.generate_key(2048, parameters={"kid": "published"})
        self._codes: dict[str, dict[str, Any]] = {}
        self.app = self._build_app()
        self._server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=port, log_level="warning")
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("hostile IdP did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)

    def _id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": grant["sub"],
            "aud": grant["client_id"],
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            "name": "Hostile Test",
        }
        key = self.signing_key
        if self.mode == "wrong_nonce":
            claims["nonce"] = "not-the-nonce-you-sent"
        elif self.mode == "wrong_audience":
            claims["aud"] = "some-other-application"
        elif self.mode == "wrong_issuer":
            claims["iss"] = "https://impostor.example"
        elif self.mode == "expired":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif self.mode == "bad_signature":
            key = self.unpublished_key
        return jwt.encode({"alg": "RS256", "kid": "published"}, claims, key)

    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def discovery() -> dict[str, Any]:
            return {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "id_token_signing_alg_values_supported": ["RS256"],
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
            }

        @app.get("/jwks")
        def jwks() -> dict[str, Any]:
            return KeySet([self.signing_key]).as_dict(private=False)

        @app.get("/authorize")
        def authorize(request: Request) -> RedirectResponse:
            params = request.query_params
            code = secrets.token_urlsafe(16)
            self._codes[code] = {
                "client_id": params["client_id"],
                "nonce": params.get("nonce", ""),
                "sub": "hostile-subject",
            }
            query = urlencode({"code": code, "state": params["state"]})
            return RedirectResponse(f"{params['redirect_uri']}?{query}", status_code=302)

        @app.post("/token")
        def token(code: str = Form(...)) -> JSONResponse:
            grant = self._codes.pop(code, None)
            if grant is None:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            return JSONResponse(
                {
                    "access_token": secrets.token_urlsafe(16),
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": self._id_token(grant),
                }
            )

        return app
