"""create_app(): routers, middleware, templates and the shared state of one portal process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles

from app.auth.providers import IdentityProviders
from app.auth.views import router as auth_router
from app.config import PROJECT_ROOT, Settings, get_settings
from app.cpd.api import router as cpd_api_router
from app.cpd.views import router as cpd_router
from app.db import make_engine, make_read_session_factory, make_session_factory
from app.discussions.api import router as discussions_api_router
from app.discussions.views import router as discussions_router
from app.drafts.views import router as drafts_router
from app.events.api import router as events_api_router
from app.events.views import router as events_router
from app.groups.api import router as groups_api_router
from app.groups.views import router as groups_router
from app.health.views import admin_router as health_admin_router
from app.health.views import router as health_router
from app.home.views import router as home_router
from app.members.admin_api import router as members_admin_api_router
from app.members.admin_views import router as members_admin_router
from app.members.api import router as members_api_router
from app.members.onboarding_views import router as onboarding_router
from app.members.organisation_views import router as organisation_router
from app.members.views import router as members_router
from app.moderation.api import moderation_router as reports_api_router
from app.moderation.api import router as moderation_api_router
from app.moderation.views import moderation_router as reports_router
from app.moderation.views import router as moderation_router
from app.notifications.api import router as notifications_api_router
from app.notifications.views import admin_router as notifications_admin_router
from app.notifications.views import router as notifications_router
from app.opportunities.alert_routes import api_router as opportunity_alerts_api_router
from app.opportunities.alert_routes import router as opportunity_alerts_router
from app.opportunities.api import router as opportunities_api_router
from app.opportunities.report_views import router as opportunity_report_router
from app.opportunities.views import router as opportunities_router
from app.page_cache.serving import PageCacheMiddleware, install_page_cache
from app.privacy.api import admin_router as privacy_admin_api_router
from app.privacy.api import router as privacy_api_router
from app.privacy.views import admin_router as privacy_admin_router
from app.privacy.views import router as privacy_router
from app.resources.api import router as resources_api_router
from app.resources.file_views import router as resource_files_router
from app.resources.storage import LocalFileStorage
from app.resources.views import router as resources_router
from app.search.api import router as search_api_router
from app.search.engine import SearchEngine
from app.search.sync import apply_settings_in_background
from app.search.views import admin_router as search_admin_router
from app.search.views import router as search_router
from app.security.bad_bytes import BadBytesMiddleware
from app.security.body_limit import BodySizeLimitMiddleware
from app.security.csrf import CsrfMiddleware
from app.security.headers import SecurityHeadersMiddleware
from app.security.rate_limits import RateLimiter
from app.web.deps import authenticate
from app.web.errors import ErrorBoundaryMiddleware, install_error_handlers
from app.web.reference_data import ReferenceDataCache
from app.web.templating import NavItem, create_templates
from app.web.unit_of_work import UnitOfWorkMiddleware

STATIC_DIR = PROJECT_ROOT / "app" / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(
        settings.resolved_database_url,
        busy_timeout_seconds=settings.sqlite_busy_timeout_seconds,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.thread_pool_size
        app.state.search_settings_thread = apply_settings_in_background(
            app.state.session_factory, app.state.search_engine
        )
        yield
        engine.dispose()

    app = FastAPI(
        title="Children's Social Work Partnership portal",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        dependencies=[Depends(authenticate)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.read_session_factory = make_read_session_factory(engine)
    app.state.templates = create_templates(auto_reload=settings.env == "development")
    app.state.identity_providers = IdentityProviders(
        settings.identity_providers, timeout_seconds=settings.oidc_http_timeout_seconds
    )
    app.state.search_engine = SearchEngine.from_settings(settings)
    app.state.search_settings_thread = None
    app.state.rate_limiter = RateLimiter(settings.rate_limit_storage, settings.rate_limits)
    app.state.file_storage = LocalFileStorage(settings.resolved_files_dir)
    app.state.reference_data = ReferenceDataCache(settings.reference_data_cache_seconds)
    app.state.nav = [
        NavItem("Home", "/"),
        NavItem("Resources", "/resources"),
        NavItem("Discussions", "/discussions"),
        NavItem("Events", "/events"),
        NavItem("Opportunities", "/opportunities"),
        NavItem("My CPD", "/cpd"),
        NavItem("Search", "/search"),
        NavItem("Groups", "/groups"),
        NavItem("Members", "/members"),
        NavItem("Admin", "/admin", staff_only=True),
    ]

    install_error_handlers(app)
    install_page_cache(app, settings)
    app.include_router(health_router)
    app.include_router(health_admin_router)
    app.include_router(auth_router)
    app.include_router(home_router)
    app.include_router(members_router)
    app.include_router(onboarding_router)
    app.include_router(organisation_router)
    app.include_router(members_api_router)
    app.include_router(members_admin_router)
    app.include_router(members_admin_api_router)
    app.include_router(moderation_router)
    app.include_router(moderation_api_router)
    app.include_router(reports_router)
    app.include_router(reports_api_router)
    app.include_router(resources_router)
    app.include_router(resource_files_router)
    app.include_router(resources_api_router)
    app.include_router(drafts_router)
    app.include_router(discussions_router)
    app.include_router(discussions_api_router)
    app.include_router(events_router)
    app.include_router(events_api_router)
    app.include_router(opportunity_alerts_router)
    app.include_router(opportunity_alerts_api_router)
    app.include_router(opportunities_router)
    app.include_router(opportunity_report_router)
    app.include_router(opportunities_api_router)
    app.include_router(cpd_router)
    app.include_router(cpd_api_router)
    app.include_router(search_router)
    app.include_router(search_api_router)
    app.include_router(search_admin_router)
    app.include_router(groups_router)
    app.include_router(groups_api_router)
    app.include_router(notifications_router)
    app.include_router(notifications_admin_router)
    app.include_router(notifications_api_router)
    app.include_router(privacy_router)
    app.include_router(privacy_admin_router)
    app.include_router(privacy_api_router)
    app.include_router(privacy_admin_api_router)

    @app.get("/api/v1/openapi.json", include_in_schema=False)
    def openapi_document(request: Request) -> dict[str, Any]:
        return request.app.openapi()

    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")

    # Added innermost first: the body limit runs before anything reads a body; bad bytes
    # (null bytes, control characters) are refused before CSRF, sign-in or a view sees
    # them; the unit of work sits inside them all, next to the routes whose answers it
    # commits, and the page cache keeps what it has just committed; the error boundary,
    # outermost, answers whatever escaped (503, 507, 500) without closing the connection.
    app.add_middleware(UnitOfWorkMiddleware)
    app.add_middleware(PageCacheMiddleware)
    app.add_middleware(CsrfMiddleware, settings=settings)
    app.add_middleware(BadBytesMiddleware)
    app.add_middleware(
        SecurityHeadersMiddleware, form_action_origins=app.state.identity_providers.origins
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(ErrorBoundaryMiddleware)
    return app
