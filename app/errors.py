"""Domain errors that views and the API turn into responses."""

from __future__ import annotations


class NotFound(Exception):
    """404: the thing does not exist, or the member may not know that it does."""

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class Forbidden(Exception):
    """403: the member may see the thing but not do this to it; the message says why."""


class InvalidAction(Exception):
    """409: the request makes no sense in the current state (approving a member who is not
    pending); nothing was changed. The message is shown as is."""


class InvalidInput(Exception):
    """422: field errors, keyed by field name; nothing was changed."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors
