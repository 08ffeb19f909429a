"""Confirm before destroying: a destructive form posts once, and is answered with a page
asking the question; only the second post, which carries ``confirmed=yes``, acts
(docs/decisions.md, 30). Plain forms both times, so it works without JavaScript, and the
view that acts is the view that asks: one route, one permission check, nothing to keep
in step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse

from app.web.templating import render

CONFIRMED = "yes"

Confirmed = Annotated[str | None, Form()]
"""The form field a confirmation page adds; a view acts only when it is ``yes``."""


def is_confirmed(value: str | None) -> bool:
    return value == CONFIRMED


@dataclass(frozen=True)
class Confirmation:
    question: str
    """The page's heading, naming the thing: "Delete the thread “Court skills”?"."""
    consequence: str
    """What will happen, and whether it can be undone."""
    action: str
    """Where the confirmed form posts: the same route that asked."""
    confirm_label: str
    back_href: str
    carried: dict[str, str] = field(default_factory=dict)
    """Fields of the first form to send again (a moderator's reason)."""


def confirmation_page(request: Request, confirmation: Confirmation) -> HTMLResponse:
    return render(request, "confirm.html", {"confirmation": confirmation})
