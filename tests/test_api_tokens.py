"""Personal API tokens: created on /account/tokens or through the API, shown once, stored
as a hash, used as ``Authorization: Bearer``, revoked."""

from __future__ import annotations

import hashlib
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.members.models import ApiToken, MemberStatus
from tests.support.database import see_committed
from tests.support.flows import csrf_token
from tests.support.members import browser, set_member, signed_in


@pytest.fixture
def alice(client: TestClient) -> str:
    return signed_in(client, subject="alice-adams", name="Alice Adams")


def create_on_page(client: TestClient, name: str) -> str:
    """Create a token through the form; returns the token shown on the page."""
    response = client.post("/account/tokens", data={"csrftoken": csrf_token(client), "name": name})
    assert response.status_code == 201, response.text
    shown = re.search(r'<code[^>]*id="new-token">([^<]+)</code>', response.text)
    assert shown is not None
    return shown.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def stored_tokens(db: Session) -> list[ApiToken]:
    see_committed(db)
    return list(db.execute(select(ApiToken)).scalars())


def assert_problem(response, status: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == status


class TestTokensPage:
    def test_page_lists_nothing_and_has_a_form_with_csrf_first(
        self, client: TestClient, alice: str
    ) -> None:
        page = client.get("/account/tokens")

        assert page.status_code == 200
        assert "You have no API tokens." in page.text
        form = page.text[page.text.index('<form method="post" action="/account/tokens"') :]
        first = re.search(r"<(input|textarea|select|button)\b[^>]*>", form)
        assert first is not None and 'name="csrftoken"' in first.group(0)

    def test_token_is_shown_once_and_only_its_hash_is_stored(
        self, client: TestClient, alice: str, db: Session
    ) -> None:
        token = create_on_page(client, "Reporting script")

        assert token.startswith("pt_") and len(token) > 40
        [row] = stored_tokens(db)
        assert row.member_id == alice and row.name == "Reporting script"
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in {row.token_hash, row.prefix, row.name} and token.startswith(row.prefix)
        later = client.get("/account/tokens").text
        assert token not in later
        assert "Reporting script" in later and f"{row.prefix}…" in later
        assert "Revoke" in later

    def test_blank_too_long_and_duplicate_names_are_refused(
        self, client: TestClient, alice: str, db: Session
    ) -> None:
        create_on_page(client, "ci")

        blank = client.post("/account/tokens", data={"csrftoken": csrf_token(client), "name": " "})
        too_long = client.post(
            "/account/tokens", data={"csrftoken": csrf_token(client), "name": "n" * 81}
        )
        duplicate = client.post(
            "/account/tokens", data={"csrftoken": csrf_token(client), "name": "ci"}
        )

        assert blank.status_code == 422
        assert '<a href="#name">Enter a name for the token' in blank.text
        assert too_long.status_code == 422
        assert "Token name must be 80 characters or fewer" in too_long.text
        assert duplicate.status_code == 409
        assert "You already have a token named" in duplicate.text
        assert 'id="name-error"' in duplicate.text and 'value="ci"' in duplicate.text
        assert 'id="new-token"' not in duplicate.text
        assert len(stored_tokens(db)) == 1

    def test_revoke_redirects_with_a_message_and_the_token_stops_working(
        self, client: TestClient, alice: str, app: FastAPI, db: Session
    ) -> None:
        token = create_on_page(client, "laptop")
        [row] = stored_tokens(db)
        program = browser(app)
        assert program.get("/api/v1/me", headers=bearer(token)).status_code == 200

        response = client.post(
            f"/account/tokens/{row.id}/revoke", data={"csrftoken": csrf_token(client)}
        )

        assert response.status_code == 303
        assert response.headers["location"] == "/account/tokens"
        page = client.get("/account/tokens").text
        assert "The token “laptop” has been revoked." in page
        assert "Revoked" in page
        refused = program.get("/api/v1/me", headers=bearer(token))
        assert_problem(refused, 401)
        assert refused.headers["www-authenticate"].startswith("Bearer")
        again = client.post(
            f"/account/tokens/{row.id}/revoke", data={"csrftoken": csrf_token(client)}
        )
        assert again.status_code == 409

    def test_revoking_an_unknown_or_someone_elses_token_is_not_found(
        self,
        client: TestClient,
        alice: str,
        app: FastAPI,
        db: Session,
    ) -> None:
        bob = browser(app)
        signed_in(bob, subject="bob-brown", name="Bob Brown")
        create_on_page(bob, "bob's token")
        [bobs] = stored_tokens(db)

        for token_id in ("no-such-token", bobs.id):
            response = client.post(
                f"/account/tokens/{token_id}/revoke", data={"csrftoken": csrf_token(client)}
            )
            assert response.status_code == 404
        assert stored_tokens(db)[0].revoked_at is None

    def test_revoke_needs_the_csrf_token(self, client: TestClient, alice: str, db: Session) -> None:
        create_on_page(client, "kept")
        [row] = stored_tokens(db)
        assert client.post(f"/account/tokens/{row.id}/revoke", data={}).status_code == 403
        assert stored_tokens(db)[0].revoked_at is None


class TestBearerTokens:
    def test_token_acts_as_its_member(
        self, client: TestClient, alice: str, app: FastAPI, db: Session
    ) -> None:
        token = create_on_page(client, "script")
        program = browser(app)

        me = program.get("/api/v1/me", headers=bearer(token))

        assert me.status_code == 200
        assert me.json()["id"] == alice and me.json()["display_name"] == "Alice Adams"
        assert program.get("/api/v1/members", headers=bearer(token)).json()["total"] == 1
        assert stored_tokens(db)[0].last_used_at is not None
        assert "portal_session" not in program.cookies

    def test_bearer_requests_need_no_csrf_token(
        self, client: TestClient, alice: str, app: FastAPI, db: Session
    ) -> None:
        token = create_on_page(client, "script")
        program = browser(app)

        created = program.post("/api/v1/me/tokens", headers=bearer(token), json={"name": "second"})
        saved = program.put(
            "/api/v1/me/profile",
            headers=bearer(token),
            json={"display_name": "Alice via API", "job_title": "Analyst"},
        )
        # Even from a browser that holds session and CSRF cookies, the bearer token counts.
        csrf_token(client)
        with_cookies = client.post("/api/v1/me/tokens", headers=bearer(token), json={"name": "3"})

        assert created.status_code == 201, created.text
        assert saved.status_code == 200 and saved.json()["display_name"] == "Alice via API"
        assert with_cookies.status_code == 201, with_cookies.text
        assert len(stored_tokens(db)) == 3

    def test_wrong_or_revoked_token_is_a_401_problem(
        self, client: TestClient, alice: str, app: FastAPI
    ) -> None:
        program = browser(app)
        assert_problem(program.get("/api/v1/me", headers=bearer("pt_made-up")), 401)
        token = create_on_page(client, "script")
        assert program.get("/api/v1/me", headers=bearer(token)).status_code == 200
        token_id = program.get("/api/v1/me/tokens", headers=bearer(token)).json()[0]["id"]
        assert (
            program.delete(f"/api/v1/me/tokens/{token_id}", headers=bearer(token)).status_code
            == 204
        )
        assert_problem(program.get("/api/v1/me", headers=bearer(token)), 401)

    @pytest.mark.parametrize("status", [MemberStatus.SUSPENDED, MemberStatus.LEFT])
    def test_token_of_a_member_who_is_not_active_is_a_401_problem(
        self, client: TestClient, alice: str, app: FastAPI, db: Session, status: MemberStatus
    ) -> None:
        token = create_on_page(client, "script")
        set_member(db, alice, status=status)

        response = browser(app).get("/api/v1/me", headers=bearer(token))

        assert_problem(response, 401)
        set_member(db, alice, status=MemberStatus.ACTIVE)
        assert browser(app).get("/api/v1/me", headers=bearer(token)).status_code == 200

    def test_bearer_token_is_not_a_web_sign_in(
        self, client: TestClient, alice: str, app: FastAPI
    ) -> None:
        token = create_on_page(client, "script")
        assert browser(app).get("/members", headers=bearer(token)).status_code == 303


class TestTokensApi:
    def test_create_list_and_revoke(self, client: TestClient, alice: str, db: Session) -> None:
        headers = {"X-CSRFToken": csrf_token(client)}

        created = client.post("/api/v1/me/tokens", headers=headers, json={"name": "ci"})

        assert created.status_code == 201
        body = created.json()
        assert body["token"].startswith(body["prefix"]) and body["name"] == "ci"
        assert body["revoked_at"] is None
        listed = client.get("/api/v1/me/tokens").json()
        assert [token["id"] for token in listed] == [body["id"]]
        assert "token" not in listed[0] and "token_hash" not in listed[0]
        revoked = client.delete(f"/api/v1/me/tokens/{body['id']}", headers=headers)
        assert revoked.status_code == 204 and revoked.content == b""
        assert client.get("/api/v1/me/tokens").json()[0]["revoked_at"] is not None
        assert_problem(client.delete(f"/api/v1/me/tokens/{body['id']}", headers=headers), 409)

    def test_duplicate_name_is_a_409_problem(self, client: TestClient, alice: str) -> None:
        headers = {"X-CSRFToken": csrf_token(client)}
        client.post("/api/v1/me/tokens", headers=headers, json={"name": "ci"})

        assert_problem(client.post("/api/v1/me/tokens", headers=headers, json={"name": "ci"}), 409)

    @pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "n" * 81}, {"name": "a", "x": 1}])
    def test_bad_body_is_a_422_problem(
        self, client: TestClient, alice: str, db: Session, body: dict[str, object]
    ) -> None:
        response = client.post(
            "/api/v1/me/tokens", headers={"X-CSRFToken": csrf_token(client)}, json=body
        )
        assert_problem(response, 422)
        assert stored_tokens(db) == []

    def test_unknown_and_someone_elses_token_ids_are_404_problems(
        self,
        client: TestClient,
        alice: str,
        app: FastAPI,
        db: Session,
    ) -> None:
        bob = browser(app)
        signed_in(bob, subject="bob-brown", name="Bob Brown")
        bobs_token = create_on_page(bob, "bob's")
        bobs_id = bob.get("/api/v1/me/tokens").json()[0]["id"]
        headers = {"X-CSRFToken": csrf_token(client)}

        assert_problem(client.delete("/api/v1/me/tokens/no-such-token", headers=headers), 404)
        assert_problem(client.delete(f"/api/v1/me/tokens/{bobs_id}", headers=headers), 404)
        assert client.get("/api/v1/me/tokens").json() == []
        assert browser(app).get("/api/v1/me", headers=bearer(bobs_token)).status_code == 200
