"""Markdown to sanitised HTML, done once when content is saved (never per request).

markdown-it-py parses CommonMark with raw HTML switched off, so HTML in the source is shown as
text; nh3 (the Rust ammonia sanitiser) then keeps only the tags and URL schemes we allow, as a
second line of defence, and gives every link rel="noopener noreferrer".

Secondary text folds away without HTML: a block fenced by `::: details Its summary` and `:::`
becomes `<details><summary>Its summary</summary>…</details>`, one click away (mdit-py-plugins'
container plugin parses it). A fence with no summary is left as it is written, as text.
"""

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.container import container_plugin

FOLD = "details"


def _fold_summary(params: str) -> str:
    name, _, summary = params.strip().partition(" ")
    return summary.strip() if name == FOLD else ""


def _render_fold(renderer, tokens, index, options, env):
    token = tokens[index]
    if token.nesting == 1:
        return f"<details><summary>{escapeHtml(_fold_summary(token.info))}</summary>\n"
    return "</details>\n"


def _parser(html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": html, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(
        container_plugin,
        name=FOLD,
        validate=lambda params, *args: bool(_fold_summary(params)),
        render=_render_fold,
    )
    return md


_md = _parser(html=False)

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "details", "em", "h3", "h4", "hr", "kbd",
    "li", "ol", "p", "pre", "strong", "summary", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
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


_html_finder = _parser(html=True)


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
