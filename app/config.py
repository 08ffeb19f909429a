"""Settings: one pydantic-settings class, environment prefix ``PORTAL_``, ``.env`` supported.

The defaults give the embedded development setup: a SQLite file under ``var/``, a local
Meilisearch and the development OpenID provider. ``PORTAL_ENV=production`` refuses to
start with any of the development conveniences still in place.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

DEFAULT_SECRET_KEY = "dev-insecure-secret-change-me"
DEFAULT_MEILI_MASTER_KEY = "dev-meili-master-key-change-me"
DEV_PROVIDER_NAME = "dev"
DEV_SMTP_HOST = "127.0.0.1"
DEV_SMTP_PORT = 1025
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(Exception):
    """The configuration cannot run; the message names the setting at fault."""


class OidcProviderConfig(BaseModel):
    """One identity provider, e.g. a council's Entra ID tenant or a university IdP."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    label: str = Field(min_length=1, max_length=80)
    issuer: str = Field(pattern=r"^https?://[^\s]+$")
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    organisation: str | None = None
    email_domains: list[str] = Field(default_factory=list)

    @field_validator("scopes")
    @classmethod
    def _scopes_include_openid(cls, scopes: list[str]) -> list[str]:
        if "openid" not in scopes:
            raise ValueError("must include 'openid'")
        return scopes

    @field_validator("email_domains")
    @classmethod
    def _lowercase_domains(cls, domains: list[str]) -> list[str]:
        return [domain.strip().lower().lstrip("@") for domain in domains if domain.strip()]

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PORTAL_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "test", "production"] = "development"
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    base_url: str = "http://127.0.0.1:8000"
    data_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""

    meili_url: str = "http://127.0.0.1:7700"
    meili_master_key: SecretStr = SecretStr(DEFAULT_MEILI_MASTER_KEY)
    meili_bin: Path | None = None
    meili_index_prefix: str = "portal"

    oidc_providers: list[OidcProviderConfig] = Field(default_factory=list)
    dev_oidc_issuer: str = "http://127.0.0.1:9400"
    oidc_http_timeout_seconds: float = 10.0

    rate_limit_storage: str = "memory://"
    """Where rate-limit counts live: memory:// counts per process; redis://host:6379 shares
    them between processes and servers (app/security/rate_limits.py)."""
    rate_limits: dict[str, str] = Field(default_factory=dict)
    """Overrides of single limits by action, e.g. {"reply": "20/minute"}."""

    sqlite_busy_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    """How long a write waits for SQLite's lock before the request answers 503."""
    thread_pool_size: int = Field(default=40, ge=1, le=1000)
    """Threads a process runs its blocking work in (database sessions, views, templates);
    40 is anyio's own default. Fewer threads contend less for the GIL, but a request holds
    its database connection between its steps in the pool, so the pool of threads should
    stay well above the connection pool (docs/decisions.md, issue 20 pages)."""
    reference_data_cache_seconds: float = Field(default=60.0, ge=0, le=3600)
    """How long a process keeps the topics and organisations the list pages' filters show
    (app/web/reference_data.py); 0 reads them on every page."""
    page_cache_seconds: float = Field(default=60.0, ge=0, le=3600)
    """How long a process may serve a signed-in session the page it rendered for that same
    session, while nothing has been written anywhere since (app/page_cache/); 0 turns the
    page cache off."""
    page_cache_megabytes: int = Field(default=64, ge=1, le=4096)
    """The most rendered pages a process keeps, in megabytes; the least recently served go
    first."""

    session_idle_minutes: int = Field(default=120, ge=5)
    session_absolute_hours: int = Field(default=12, ge=1)
    max_request_bytes: int = Field(default=30 * 1024 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    files_dir: Path | None = None
    event_reminder_hours: int = Field(default=24, ge=1, le=24 * 14)

    smtp_host: str = DEV_SMTP_HOST
    smtp_port: int = Field(default=DEV_SMTP_PORT, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    """none: plain SMTP (the local sink); starttls: upgrade on port 587; tls: port 465."""
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    mail_from: str = "Children's Social Work Partnership <portal@localhost>"

    retention_session_days: int = Field(default=30, ge=1)
    """Ended sessions (expired or signed out) and abandoned sign-in attempts."""
    retention_read_notification_days: int = Field(default=180, ge=1)
    retention_sent_email_days: int = Field(default=365, ge=1)
    retention_outbox_days: int = Field(default=30, ge=1)
    """Outbox rows the worker has done (failed rows stay until an admin acts)."""
    retention_audit_days: int = Field(default=6 * 365, ge=365)
    export_days: int = Field(default=7, ge=1, le=90)
    retention_draft_days: int = Field(default=90, ge=1)
    """How long an export the worker built is offered for download."""
    export_inline_max_items: int = Field(default=5000, ge=0)
    """Above this many posts (plus one per 64 KB of files) the worker builds the export."""

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, url: str) -> str:
        if not re.match(r"^https?://", url):
            raise ValueError("must start with http:// or https://")
        return url.rstrip("/")

    @field_validator("rate_limits")
    @classmethod
    def _readable_limits(cls, limits: dict[str, str]) -> dict[str, str]:
        from app.security.rate_limits import parse_limits

        parse_limits(limits)
        return limits

    @field_validator("rate_limit_storage")
    @classmethod
    def _known_storage(cls, uri: str) -> str:
        if not re.match(r"^(memory|redis|rediss|redis\+sentinel|redis\+cluster)://", uri):
            raise ValueError("must start with memory:// or redis://")
        return uri

    @model_validator(mode="after")
    def _unique_provider_names(self) -> Settings:
        names = [provider.name for provider in self.oidc_providers]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"oidc_providers: duplicate name {', '.join(duplicates)}")
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'portal.db'}"

    @property
    def resolved_files_dir(self) -> Path:
        """Uploaded files: outside the web root, named by their content's SHA-256."""
        return self.files_dir or self.data_dir / "files"

    @property
    def uses_https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def identity_providers(self) -> list[OidcProviderConfig]:
        """The configured providers, or the development provider when none are configured."""
        if self.oidc_providers:
            return self.oidc_providers
        return [
            OidcProviderConfig(
                name=DEV_PROVIDER_NAME,
                label="Development sign-in (test accounts)",
                issuer=self.dev_oidc_issuer,
                client_id="portal-dev",
                client_secret=SecretStr("portal-dev-secret"),
            )
        ]

    def production_problems(self) -> list[str]:
        """What stops this configuration from running in production, one line each."""
        problems: list[str] = []
        if not self.oidc_providers or any(
            p.issuer.rstrip("/") == self.dev_oidc_issuer.rstrip("/") for p in self.oidc_providers
        ):
            problems.append(
                "PORTAL_OIDC_PROVIDERS: the development OpenID provider is in use; "
                "configure the real identity providers"
            )
        if (
            self.secret_key.get_secret_value() == DEFAULT_SECRET_KEY
            or len(self.secret_key.get_secret_value()) < 32
        ):
            problems.append(
                "PORTAL_SECRET_KEY: the default or a short secret is in use; "
                "set a random value of at least 32 characters"
            )
        if not self.uses_https:
            problems.append(
                "PORTAL_BASE_URL: cookies would travel over plain http; serve the portal over https"
            )
        if self.meili_master_key.get_secret_value() == DEFAULT_MEILI_MASTER_KEY:
            problems.append("PORTAL_MEILI_MASTER_KEY: the default development key is in use")
        if (self.smtp_host, self.smtp_port) == (DEV_SMTP_HOST, DEV_SMTP_PORT):
            problems.append(
                "PORTAL_SMTP_HOST: the development mail sink is in use; "
                "configure the partnership's SMTP server"
            )
        if self.smtp_password is not None and self.smtp_security == "none":
            problems.append(
                "PORTAL_SMTP_SECURITY: the SMTP password would travel in clear; use starttls or tls"
            )
        if "@localhost" in self.mail_from:
            problems.append("PORTAL_MAIL_FROM: set the sender address members will see")
        return problems


def _describe_validation_error(error: ValidationError) -> str:
    lines = []
    for detail in error.errors():
        location = detail["loc"]
        field = f"PORTAL_{str(location[0]).upper()}" if location else "settings"
        for part in location[1:]:
            field += f"[{part}]" if isinstance(part, int) else f".{part}"
        lines.append(f"{field}: {detail['msg']}")
    return "invalid configuration: " + "; ".join(lines)


def load_settings(**overrides: object) -> Settings:
    """Read and check the settings, raising ConfigError with a message that names the field."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ConfigError(_describe_validation_error(error)) from None
    except SettingsError as error:
        cause = error.__cause__
        detail = f" ({cause})" if cause else ""
        match = re.search(r'field "(\w+)"', str(error))
        field = f"PORTAL_{match.group(1).upper()}" if match else "settings"
        raise ConfigError(f"invalid configuration: {field}: not valid JSON{detail}") from None
    if settings.env == "production":
        problems = settings.production_problems()
        if problems:
            raise ConfigError("refusing to start in production: " + "; ".join(problems))
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
