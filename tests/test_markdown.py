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


def test_a_details_fence_folds_secondary_text_behind_its_summary():
    html = render(
        "Switch it off.\n\n::: details What this does\nIt **stops** that.\n\nMore.\n:::\n"
    )
    assert html == (
        "<p>Switch it off.</p>\n<details><summary>What this does</summary>\n"
        "<p>It <strong>stops</strong> that.</p>\n<p>More.</p>\n</details>"
    )


@pytest.mark.parametrize(
    "source", ["::: details\nNo summary.\n:::", "::: warning Careful\nOther kind.\n:::"]
)
def test_a_fence_without_a_summary_or_of_another_kind_stays_as_written(source):
    html = render(source)
    assert "<details" not in html and ":::" in html


def test_a_fold_summary_is_text_never_html():
    html = render("::: details <img src=x onerror=alert(1)> and **bold**\nText.\n:::")
    assert "<img" not in html
    assert "<summary>&lt;img src=x onerror=alert(1)&gt; and **bold**</summary>" in html
