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


_html_finder = MarkdownIt("commonmark", {"html": True})
_html_finder.enable(["table", "strikethrough"])


def raw_html(source: str) -> list[str]:
    """The raw HTML in Markdown source (tags, comments), as written: Markdown here cannot hold
    HTML, and `render` would show it as literal text."""
    found = []
    for token in _html_finder.parse(source or ""):
        if token.type == "html_block":
            found.append(token.content.strip())
        for child in token.children or []:
            if child.type == "html_inline":
                found.append(child.content)
    return found


def raw_html_message(found: list[str]) -> str:
    shown = ", ".join(list(dict.fromkeys(tag[:40] for tag in found))[:3])
    return (
        f"contains raw HTML ({shown}). Markdown here cannot hold HTML: use Markdown instead, "
        "such as **bold**, *italic* or [a link](https://example.org), or write < as &lt;."
    )


def validate_no_raw_html(source: str) -> None:
    """A model field validator: refuses Markdown with raw HTML, saying so."""
    from django.core.exceptions import ValidationError

    if found := raw_html(source):
        raise ValidationError("This text " + raw_html_message(found))
