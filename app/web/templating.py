"""Jinja2 templates and the one render() every HTML view uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.config import PROJECT_ROOT
from app.db import LONDON
from app.members.models import Member
from app.policy.discussions import may_manage_categories
from app.policy.members import (
    may_use_admin_area,
    may_use_admin_only_pages,
    reviews_own_organisation,
)
from app.security.csrf import csrf_token_for_request
from app.web.flash import FLASH_COOKIE, pop_flash


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    staff_only: bool = False


def _london_time(value: Any, pattern: str = "%-d %B %Y, %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime(pattern)


def create_templates(*, auto_reload: bool = True) -> Jinja2Templates:
    """``auto_reload`` (development) looks at every template file's time on each use, so
    an edited template shows without a restart; elsewhere templates are compiled once."""
    templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))
    templates.env.auto_reload = auto_reload
    templates.env.filters["london_time"] = _london_time
    templates.env.globals["site_name"] = "Children's Social Work Partnership"
    return templates


def member_wide_permissions(member: Member | None) -> dict[str, bool]:
    """The may_* values the layout and shared partials (the admin sub-navigation) need on
    every page, asked of the policy once per render; a view's own context may add more."""
    if member is None:
        return {
            "may_use_admin_area": False,
            "may_use_admin_only_pages": False,
            "may_manage_categories": False,
            "may_review_organisation_applications": False,
        }
    return {
        "may_use_admin_area": may_use_admin_area(member),
        "may_use_admin_only_pages": may_use_admin_only_pages(member),
        "may_manage_categories": may_manage_categories(member),
        "may_review_organisation_applications": reviews_own_organisation(member),
    }


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    member = getattr(request.state, "member", None)
    nav: list[NavItem] = request.app.state.nav
    permissions = member_wide_permissions(member)
    flash_message = pop_flash(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "member": member,
            "unread_notifications": getattr(request.state, "unread_notifications", 0),
            "nav": [
                item for item in nav if not item.staff_only or permissions["may_use_admin_area"]
            ],
            **permissions,
            "csrf_token": lambda: csrf_token_for_request(request),
            "csp_nonce": getattr(request.state, "csp_nonce", ""),
            "flash": flash_message,
            **(context or {}),
        },
        status_code=status_code,
    )
    if flash_message is not None or FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE)
    return response
