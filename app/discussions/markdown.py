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

from app.members.handles import MENTION, mention_href

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
    parser.core.ruler.push("link_mentions", _link_mentions)
    return parser


def _mention_tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    for match in MENTION.finditer(text):
        if match.start() > position:
            tokens.append(_text_token(text[position : match.start()]))
        link = Token("link_open", "a", 1)
        link.attrs = {"href": mention_href(match.group(1))}
        tokens += [link, _text_token(match.group(0)), Token("link_close", "a", -1)]
        position = match.end()
    if position < len(text):
        tokens.append(_text_token(text[position:]))
    return tokens


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _link_mentions(state: object) -> None:
    """``@handle`` in running text links to that member's profile; text inside code spans,
    code blocks and existing links is left alone."""
    for block in state.tokens:  # type: ignore[attr-defined]
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        link_depth = 0
        for child in block.children:
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            if child.type == "text" and link_depth == 0 and "@" in child.content:
                children += _mention_tokens(child.content)
            else:
                children.append(child)
        block.children = children


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
