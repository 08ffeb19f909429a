"""Rate limits (app/security/rate_limits.py): a burst past a limit is answered 429 with
Retry-After (problem JSON on the API, the form shown again with what was typed on a
page), nothing of the refused request is saved, and the next window succeeds. Limits are
shortened here to a two-second window through the same setting an operator would use."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import ConfigError, Settings, load_settings
from app.devstack import RunningService, free_port
from app.discussions.models import Post
from app.main import create_app
from app.members.models import Member
from app.security.models import SignInAttempt
from app.security.sessions import session_cookie_name
from tests.support.database import see_committed
from tests.support.flows import csrf_token
from tests.support.portal import MakeMember, add_thread
from tests.support.sessions import start_member_session

WINDOW_SECONDS = 2


@pytest.fixture
def limited_app(settings: Settings) -> Iterator[FastAPI]:
    limited = create_app(
        settings.model_copy(
            update={
                "rate_limits": {
                    "reply": f"3/{WINDOW_SECONDS} seconds",
                    "sign_in_start": f"2/{WINDOW_SECONDS} seconds",
                }
            }
        )
    )
    yield limited
    limited.state.engine.dispose()


def browser_for(app: FastAPI, member: Member, settings: Settings) -> TestClient:
    browser = TestClient(app, base_url="http://testserver", follow_redirects=False)
    browser.cookies.set(session_cookie_name(settings), start_member_session(app, member))
    return browser


def wait_for_next_window(retry_after: str) -> None:
    assert 1 <= int(retry_after) <= WINDOW_SECONDS
    time.sleep(int(retry_after) + 0.1)


def replies_in(db: Session, thread_id: str) -> int:
    see_committed(db)
    return db.execute(
        select(func.count()).select_from(Post).where(Post.thread_id == thread_id)
    ).scalar_one()


def test_a_burst_of_api_replies_gets_429_and_the_next_window_succeeds(
    app: FastAPI,
    limited_app: FastAPI,
    make: MakeMember,
    db: Session,
    settings: Settings,
) -> None:
    author = make("Rita Replier")
    thread_id, _ = add_thread(app, author.id, "Burst thread", "Say something.")
    browser = browser_for(limited_app, author, settings)
    headers = {"X-CSRFToken": csrf_token(browser)}
    path = f"/api/v1/discussions/threads/{thread_id}/posts"

    accepted = [
        browser.post(path, json={"body": f"Reply {n}"}, headers=headers).status_code
        for n in range(3)
    ]
    refused = browser.post(path, json={"body": "One too many"}, headers=headers)

    assert accepted == [201, 201, 201]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    assert "try again in" in refused.json()["detail"]
    assert replies_in(db, thread_id) == 1 + 3

    wait_for_next_window(refused.headers["retry-after"])
    again = browser.post(path, json={"body": "After a pause"}, headers=headers)
    assert again.status_code == 201
    assert replies_in(db, thread_id) == 1 + 4


def test_the_reply_form_past_its_limit_keeps_what_was_typed(
    app: FastAPI,
    limited_app: FastAPI,
    make: MakeMember,
    db: Session,
    settings: Settings,
) -> None:
    author = make("Fern Former")
    thread_id, _ = add_thread(app, author.id, "Form thread", "Tell us.")
    browser = browser_for(limited_app, author, settings)
    path = f"/discussions/t/{thread_id}/reply"
    for number in range(3):
        sent = browser.post(path, data={"csrftoken": csrf_token(browser), "body": f"Form {number}"})
        assert sent.status_code == 303

    refused = browser.post(
        path, data={"csrftoken": csrf_token(browser), "body": "My long considered reply"}
    )

    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= WINDOW_SECONDS
    assert "My long considered reply" in refused.text
    assert "Nothing was lost: try again in" in refused.text
    assert replies_in(db, thread_id) == 1 + 3


def test_sign_in_starts_are_limited_per_address_and_refused_ones_write_nothing(
    limited_app: FastAPI, db: Session, oidc_primary: RunningService
) -> None:
    browser = TestClient(limited_app, base_url="http://testserver", follow_redirects=False)

    def attempts() -> int:
        see_committed(db)
        return db.execute(select(func.count()).select_from(SignInAttempt)).scalar_one()

    before = attempts()
    started = [browser.get("/auth/leeds/login").status_code for _ in range(2)]
    refused = browser.get("/auth/leeds/login")

    assert started == [303, 303]
    assert refused.status_code == 429
    assert "started signing in from this address" in refused.text
    assert attempts() == before + 2

    wait_for_next_window(refused.headers["retry-after"])
    assert browser.get("/auth/leeds/login").status_code == 303


def test_limits_are_checked_when_the_settings_are_read() -> None:
    with pytest.raises(ConfigError, match=r"PORTAL_RATE_LIMITS.*unknown action shouting"):
        load_settings(rate_limits={"shouting": "1/minute"}, _env_file=None)
    with pytest.raises(ConfigError, match=r"PORTAL_RATE_LIMITS.*reply: 'lots' is not a limit"):
        load_settings(rate_limits={"reply": "lots"}, _env_file=None)
    with pytest.raises(ConfigError, match="PORTAL_RATE_LIMIT_STORAGE"):
        load_settings(rate_limit_storage="postgres://db", _env_file=None)


def test_an_unreachable_shared_storage_lets_members_work(settings: Settings) -> None:
    """Redis down (nothing listens on the port): the action is allowed, not a 500."""
    from app.security.rate_limits import RateLimiter

    limiter = RateLimiter(f"redis://127.0.0.1:{free_port()}", {"reply": "1/minute"})
    limiter.hit("reply", "member-1")
    limiter.hit("reply", "member-1")  # would be refused if counted
