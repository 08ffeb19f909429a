"""Known XSS payloads through every way text enters a post (create, edit, quote, preview):
inert in what is stored and in what pages and the API show."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.discussions.markdown import ALLOWED_TAGS, render_markdown
from app.discussions.models import Post
from tests.support.database import see_committed
from tests.test_discussions import (  # noqa: F401  (forum and person are fixtures)
    PRACTICE,
    MakePerson,
    api,
    forum_fixture,
    person_fixture,
    post_form,
    reply,
    start,
    thread_json,
)

PAYLOADS = [
    "<script>alert('xss')</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[click me](  javascript:alert(1))",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[vb](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">raw link</a>',
    "<img src=x onerror=alert(1)>",
    "![img](javascript:alert(1))",
    '<div onmouseover="alert(1)">hover</div>',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><img src=x onerror=alert(1)>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "[entity](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[tab](java\tscript:alert(1))",
    "<a href='&#x6A;avascript:alert(1)'>x</a>",
    "<style>body{display:none}</style>",
    "<form action=https://evil.example><button>Go</button></form>",
    "<object data=javascript:alert(1)></object>",
    '[x](https://example.org "a" onclick="alert(1))',
    "`<script>alert(1)</script>` and\n\n    <script>alert(2)</script>",
]


class _Elements(HTMLParser):
    """What a browser would build from the HTML: its elements and their attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))


def assert_inert(html: str) -> None:
    """Only allowlisted elements; no event handlers or styles; links only to http, https
    or mailto (entities decoded, as a browser would)."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attributes in parser.elements:
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attributes:
            assert not name.startswith("on") and name not in ("style", "src"), (name, html)
            if name == "href":
                target = re.sub(r"[\x00-\x20]", "", value or "").lower()
                assert re.match(r"(https?:|mailto:|[^:]*$)", target), (target, html)


def post_bodies(page: str) -> list[str]:
    """The member-written parts of a page: each post body and the preview."""
    return re.findall(r'portal-post-body"[^>]*>(.*?)</div>', page, flags=re.S)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_rendering_neutralises_the_payload(payload: str) -> None:
    assert_inert(render_markdown(payload))


def test_links_get_nofollow_noopener_and_only_safe_schemes() -> None:
    html = render_markdown("[a](https://example.org) [b](mailto:a@example.org) [c](ftp://x.org/f)")
    assert re.findall(r'href="([^"]+)" rel="nofollow noopener"', html) == [
        "https://example.org",
        "mailto:a@example.org",
    ]
    assert "ftp:" not in html


def test_payloads_through_create_edit_quote_and_preview(
    person: MakePerson, forum: dict[str, str], db: Session
) -> None:
    ruth, _ = person("Ruth Ellis")
    bea, _ = person("Bea Brown")
    everything = "\n\n".join(PAYLOADS)

    created = post_form(
        ruth,
        "/discussions/start",
        category_id=forum[PRACTICE],
        title="<script>t</script>",
        body=everything,
    )
    assert created.status_code == 303, created.text
    thread_id = created.headers["location"].rsplit("/", 1)[1]
    api_reply = reply(bea, thread_id, everything)
    edited = api(
        bea, "PATCH", f"/api/v1/discussions/posts/{api_reply}", {"body": everything + "\n\nedited"}
    )
    assert edited.status_code == 200
    quoted = ruth.get(f"/discussions/t/{thread_id}/reply", params={"quote": api_reply})
    assert quoted.status_code == 200
    assert "<script>" not in quoted.text.split('id="body"', 1)[1].split("</textarea>", 1)[0]
    markdown = api(ruth, "POST", f"/api/v1/discussions/posts/{api_reply}/quote", {}).json()[
        "markdown"
    ]
    quote_reply = post_form(ruth, f"/discussions/t/{thread_id}/reply", body=markdown)
    assert quote_reply.status_code == 303

    preview = post_form(
        ruth,
        f"/discussions/t/{thread_id}/reply",
        body=everything,
        action="preview",
    )
    assert preview.status_code == 200
    preview_api = api(ruth, "POST", "/api/v1/discussions/preview", {"body": everything}).json()
    assert_inert(preview_api["html"])

    see_committed(db)
    stored = list(db.execute(select(Post)).scalars())
    assert len(stored) == 3
    for post in stored:
        assert_inert(post.body_html)
        assert "&lt;script&gt;" in post.body_html, "raw HTML is shown as text"
    page = ruth.get(f"/discussions/t/{thread_id}").text
    bodies = post_bodies(page)
    assert len(bodies) == 3
    for body in [*bodies, *post_bodies(preview.text)]:
        assert_inert(body)
    assert "&lt;script&gt;t&lt;/script&gt;" in page, "the title is escaped"
    for post in thread_json(ruth, thread_id)["posts"]:
        assert_inert(post["body_html"])


def test_history_and_guard_highlighting_escape_member_text(
    person: MakePerson, forum: dict[str, str], client: TestClient
) -> None:
    ruth, _ = person("Ruth Ellis")
    thread_id = start(ruth, forum[PRACTICE], body="<img src=x onerror=alert(1)>")
    first = thread_json(ruth, thread_id)["posts"][0]["id"]
    api(ruth, "PATCH", f"/api/v1/discussions/posts/{first}", {"body": "fine now"})
    history = ruth.get(f"/discussions/p/{first}/history").text
    assert "<img src=x" not in history and "&lt;img src=x onerror=alert(1)&gt;" in history

    guarded = post_form(
        ruth,
        f"/discussions/t/{thread_id}/reply",
        body="<script>alert(1)</script> Jayden Smith (4) <b onmouseover=alert(1)>x</b>",
    )
    assert guarded.status_code == 409
    assert "<mark>Jayden Smith (4)</mark>" in guarded.text
    assert "<script>alert(1)</script>" not in guarded.text
    assert "<b onmouseover" not in guarded.text
