"""A real SMTP server for the tests (aiosmtpd), keeping what it receives in memory. It can
be stopped and started again on the same port, to play an outage."""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from app.devstack import free_port


class _Collector:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        hook = self.sink.before_accepting
        if hook is not None:
            with self.sink.lock:
                self.sink.offered += 1
                number = self.sink.offered
            refusal = hook(number)
            if refusal is not None:
                return refusal
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.sink.lock:
            self.sink.messages.append(message)
            self.sink.raw.append(envelope.content)
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.lock = threading.Lock()
        self._controller: Controller | None = None
        self.offered = 0
        self.before_accepting: Callable[[int], str | None] | None = None
        """Fault tests: called with each message's number before it is accepted; a reply
        it returns (e.g. "451 try again") refuses the message instead."""

    def start(self) -> None:
        self._controller = Controller(_Collector(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.raw.clear()

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]
