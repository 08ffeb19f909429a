"""`make run`: migrate, seed the demo, start Meilisearch, the development OpenID provider,
the worker and the portal on PORTAL_BASE_URL (http://127.0.0.1:8000 by default). Ctrl-C
stops everything it started."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import DEV_SMTP_HOST, ConfigError, load_settings  # noqa: E402
from app.demo import DEMO_PEOPLE  # noqa: E402
from app.devstack import (  # noqa: E402
    RunningService,
    port_in_use,
    start_mail_sink,
    start_meilisearch,
    start_oidc_provider,
)

PORTAL = str(ROOT / ".venv" / "bin" / "portal")


def main() -> int:
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"make run: {error}", file=sys.stderr)
        return 2
    started: list[RunningService] = []
    processes: list[subprocess.Popen[bytes]] = []
    try:
        subprocess.run([PORTAL, "db", "upgrade"], check=True)
        subprocess.run([PORTAL, "seed", "--demo"], check=True)

        meili_port = int(settings.meili_url.rsplit(":", 1)[1].split("/")[0])
        if port_in_use(meili_port):
            print(f"Meilisearch: something already listens on {meili_port}; using it")
        else:
            started.append(
                start_meilisearch(
                    port=meili_port,
                    data_dir=settings.data_dir / "meilisearch",
                    master_key=settings.meili_master_key.get_secret_value(),
                    binary=settings.meili_bin,
                )
            )
            print(f"Meilisearch: {settings.meili_url} (data in var/meilisearch)")
        subprocess.run([PORTAL, "search", "reindex"], check=True)

        if not settings.oidc_providers:
            oidc_port = int(settings.dev_oidc_issuer.rsplit(":", 1)[1].split("/")[0])
            if port_in_use(oidc_port):
                print(f"OpenID provider: something already listens on {oidc_port}; using it")
            else:
                demo_accounts = [
                    {"sub": person.subject, "name": person.name, "email": person.email}
                    for person in DEMO_PEOPLE
                ]
                started.append(
                    start_oidc_provider(
                        port=oidc_port, log_dir=settings.data_dir, users=demo_accounts
                    )
                )
                print(f"development OpenID provider: {settings.dev_oidc_issuer}")

        dev_sink = settings.smtp_host == DEV_SMTP_HOST and settings.env == "development"
        if dev_sink and not port_in_use(settings.smtp_port):
            started.append(
                start_mail_sink(
                    port=settings.smtp_port,
                    mail_dir=settings.data_dir / "mail",
                    log_dir=settings.data_dir,
                )
            )
            print(
                f"mail sink: smtp://127.0.0.1:{settings.smtp_port}; "
                "every e-mail the portal sends is a file in var/mail/new/"
            )

        processes.append(subprocess.Popen([PORTAL, "worker"]))
        portal_port = urlsplit(settings.base_url).port or 8000
        print(
            f"\nThe portal is starting on {settings.base_url}\n"
            "Sign in: press 'Sign in with Development sign-in', then pick a demo account\n"
            "(amara.okafor is an admin), or type any new name and press 'Authorize'.\n"
            "Stop with Ctrl-C.\n"
        )
        portal = subprocess.Popen(
            [PORTAL, "serve", "--host", "127.0.0.1", "--port", str(portal_port)],
            env=os.environ.copy(),
        )
        processes.append(portal)
        return portal.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for service in started:
            service.stop()


if __name__ == "__main__":
    sys.exit(main())
