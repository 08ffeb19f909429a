"""Development OpenID providers started only for the tests that sign in through them.

The portal's settings need each provider's issuer URL when the app is made, but the app
fetches discovery lazily (app/auth/providers.py), on the sign-in page, at login and at
sign-out. So the suite reserves a port per provider at once, names it in the settings,
and starts oidc-provider-mock on that port the first time a test asks for the provider.
Until then the port is held by a bound socket that does not listen: nothing else can
take it, and a request to it is refused at once (the sign-in page says the provider
cannot be reached).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

from fastapi import FastAPI

from app.devstack import RunningService, start_oidc_provider

#: Apps made for the whole session; their record of a failed discovery is forgotten when
#: a provider starts, so a test that asked an unstarted provider cannot fail a later one.
SESSION_APPS: list[FastAPI] = []


class ReservedPort:
    def __init__(self) -> None:
        self._socket: socket.socket | None = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.number = int(self._socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.number}"

    def release(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def started_provider(port: ReservedPort, log_dir: Path) -> Iterator[RunningService]:
    """For a session fixture: oidc-provider-mock on the reserved port, stopped afterwards."""
    port.release()
    service = start_oidc_provider(port=port.number, log_dir=log_dir)
    assert service.url == port.url
    forget_discovery_failures(port.url)
    yield service
    service.stop()


def forget_discovery_failures(issuer: str) -> None:
    for app in SESSION_APPS:
        providers = app.state.identity_providers
        for config in providers.all():
            if config.issuer == issuer:
                entry = providers._cache[config.name]  # no public way to forget a failure
                entry.error, entry.failed_at = None, 0.0
