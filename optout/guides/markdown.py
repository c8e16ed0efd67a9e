"""Markdown to sanitised HTML, done once when content is saved (never per request).

markdown-it-py parses CommonMark with raw HTML switched off, so HTML in the source is shown as
text; nh3 (the Rust ammonia sanitiser) then keeps only the tags and URL schemes we allow, as a
second line of defence, and gives every link rel="noopener noreferrer".
"""

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h3", "h4", "hr", "kbd", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}


def render(source: str) -> str:
    html = _md.render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
