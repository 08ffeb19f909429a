"""Settings: defaults for the embedded setup, clear refusals for bad or unsafe configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent
GOOD_PROVIDER = {
    "name": "leeds",
    "label": "Leeds City Council",
    "issuer": "https://login.microsoftonline.com/tenant-id/v2.0",
    "client_id": "abc",
    "client_secret": "shh",
}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("PORTAL_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_give_the_embedded_setup() -> None:
    settings = load_settings()
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert settings.resolved_database_url.endswith("var/portal.db")
    assert settings.meili_url == "http://127.0.0.1:7700"
    [provider] = settings.identity_providers
    assert provider.name == "dev" and provider.issuer == "http://127.0.0.1:9400"


def test_env_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PORTAL_MEILI_URL=http://search.internal:7700\n")
    assert load_settings().meili_url == "http://search.internal:7700"


def test_providers_from_json(monkeypatch: pytest.MonkeyPatch) -> None:
    second = {**GOOD_PROVIDER, "name": "york", "label": "York", "email_domains": ["@York.ac.uk"]}
    monkeypatch.setenv("PORTAL_OIDC_PROVIDERS", json.dumps([GOOD_PROVIDER, second]))
    providers = load_settings().identity_providers
    assert [p.name for p in providers] == ["leeds", "york"]
    assert providers[1].email_domains == ["york.ac.uk"]
    assert providers[0].scopes == ["openid", "email", "profile"]


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("not json", "PORTAL_OIDC_PROVIDERS"),
        (
            json.dumps([{k: v for k, v in GOOD_PROVIDER.items() if k != "issuer"}]),
            "PORTAL_OIDC_PROVIDERS[0].issuer",
        ),
        (json.dumps([{**GOOD_PROVIDER, "name": "Has Spaces"}]), "PORTAL_OIDC_PROVIDERS[0].name"),
        (json.dumps([{**GOOD_PROVIDER, "scopes": ["email"]}]), "PORTAL_OIDC_PROVIDERS[0].scopes"),
        (json.dumps([GOOD_PROVIDER, GOOD_PROVIDER]), "duplicate name leeds"),
    ],
)
def test_malformed_providers_name_the_field(
    monkeypatch: pytest.MonkeyPatch, value: str, named: str
) -> None:
    monkeypatch.setenv("PORTAL_OIDC_PROVIDERS", value)
    with pytest.raises(ConfigError) as refusal:
        load_settings()
    assert named in str(refusal.value)


def test_malformed_providers_stop_the_serve_command(tmp_path: Path) -> None:
    env = {**os.environ, "PORTAL_OIDC_PROVIDERS": '[{"name": "x"}]'}
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "PORTAL_OIDC_PROVIDERS[0].issuer: Field required" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_development_conveniences(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_ENV", "production")
    with pytest.raises(ConfigError) as refusal:
        load_settings()
    message = str(refusal.value)
    assert "development OpenID provider" in message
    assert "PORTAL_SECRET_KEY" in message
    assert "PORTAL_BASE_URL: cookies would travel over plain http" in message
    assert "PORTAL_MEILI_MASTER_KEY" in message
    assert "PORTAL_SMTP_HOST: the development mail sink is in use" in message
    assert "PORTAL_MAIL_FROM" in message


def test_production_names_only_what_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_OIDC_PROVIDERS", json.dumps([GOOD_PROVIDER]))
    monkeypatch.setenv("PORTAL_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PORTAL_MEILI_MASTER_KEY", "y" * 40)
    monkeypatch.setenv("PORTAL_BASE_URL", "http://portal.example.org")
    monkeypatch.setenv("PORTAL_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("PORTAL_SMTP_PORT", "587")
    monkeypatch.setenv("PORTAL_SMTP_SECURITY", "starttls")
    monkeypatch.setenv("PORTAL_SMTP_USERNAME", "portal")
    monkeypatch.setenv("PORTAL_SMTP_PASSWORD", "mail-secret")
    monkeypatch.setenv("PORTAL_MAIL_FROM", "Partnership portal <portal@example.org>")
    with pytest.raises(ConfigError) as refusal:
        load_settings()
    assert "PORTAL_BASE_URL" in str(refusal.value)
    assert "PORTAL_SECRET_KEY" not in str(refusal.value)

    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example.org")
    settings = load_settings()
    assert settings.uses_https and settings.env == "production"

    monkeypatch.setenv("PORTAL_SMTP_SECURITY", "none")
    with pytest.raises(ConfigError) as refusal:
        load_settings()
    assert "PORTAL_SMTP_SECURITY: the SMTP password would travel in clear" in str(refusal.value)
