"""/healthz and /readyz for the load balancer."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.config import Settings
from app.devstack import free_port
from app.main import create_app


def test_ready_when_database_and_search_answer(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "search": "ok"}}


def test_not_ready_names_the_search_engine_when_it_is_down(settings: Settings) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    app = create_app(settings.model_copy(update={"meili_url": closed}))
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["search"].startswith("unreachable")


def test_not_ready_names_the_database_when_it_is_down(settings: Settings) -> None:
    missing = "postgresql://nobody@127.0.0.1:1/none"
    app = create_app(settings.model_copy(update={"database_url": missing}))
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("unreachable")
    assert response.json()["checks"]["search"] == "ok"


def test_health_is_public_and_minimal(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
