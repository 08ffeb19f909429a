"""Member-written Markdown to safe HTML, and quoting.

markdown-it-py renders CommonMark with raw HTML switched off, so a ``<script>`` typed by a
member comes out as visible text. nh3 (ammonia) then keeps only the tags and attributes
listed here, only http, https and mailto links, and gives every link
``rel="nofollow noopener"``. Headings are moved down two levels so that a post cannot add an
``<h1>`` or ``<h2>`` to the page's outline. Images are not rendered at all: a picture could
identify a child, and a remote image would tell another site who read the post.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.disable("image")

    def shift_headings(state: object) -> None:
        tokens: list[Token] = state.tokens  # type: ignore[attr-defined]
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                level = int(token.tag[1])
                token.tag = f"h{min(level + 2, 6)}"

    parser.core.ruler.push("shift_headings", shift_headings)
    return parser


_PARSER = _parser()


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """The HTML stored beside a post's Markdown: rendered, then sanitized."""
    return sanitize_html(_PARSER.render(source))


def quote_markdown(source: str, author_name: str) -> str:
    """``source`` as a Markdown block quote naming its author, ready for a reply box."""
    lines = source.strip().replace("\r\n", "\n").split("\n")
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in lines)
    name = author_name.replace("*", "").replace("_", " ").strip() or "A former member"
    return f"> **{name}** wrote:\n>\n{quoted}\n\n"
