import pytest

from optout.guides.markdown import render
from tests.helpers import Elements


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
    ],
)
def test_raw_html_and_dangerous_links_are_never_executed(source):
    html = render(source)
    tags = Elements(html).tags
    assert {tag for tag, _ in tags} <= {"p", "a"}
    assert all(set(attrs) <= {"href", "rel"} for _, attrs in tags)
    assert "<script" not in html
    assert "<img" not in html
    assert "<iframe" not in html
    hrefs = [attrs["href"] for tag, attrs in tags if tag == "a"]
    assert all(href.startswith(("https:", "http:", "mailto:")) for href in hrefs), hrefs


def test_links_get_noopener_noreferrer():
    assert render("[LinkedIn](https://www.linkedin.com)") == (
        '<p><a href="https://www.linkedin.com" rel="noopener noreferrer">LinkedIn</a></p>'
    )


def test_plain_markdown_is_rendered():
    assert render("**Off**, then *check*") == "<p><strong>Off</strong>, then <em>check</em></p>"
