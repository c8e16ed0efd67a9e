"""The guide page's speed rules: cached per version, conditional requests, a weight budget."""

import gzip
import re
from pathlib import Path

import brotli
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from optout.guides import views
from optout.guides.content import create_draft, read_folder
from tests.helpers import SAME_SITE


def test_anonymous_guide_pages_answer_conditional_requests(client, published):
    first = client.get("/guides/linkedin/?region=eu")
    assert first.status_code == 200
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert "Cookie" in first["Vary"]
    again = client.get("/guides/linkedin/?region=eu", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    other_region = client.get("/guides/linkedin/?region=us", HTTP_IF_NONE_MATCH=etag)
    assert other_region.status_code == 200


def test_a_cached_page_takes_one_small_query(client, published):
    client.get("/guides/linkedin/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/guides/linkedin/")
    assert response.status_code == 200
    assert len(queries) == 1


def test_publishing_or_a_new_check_changes_the_page_and_its_etag(client, published, guide_folder):
    import datetime

    etag = client.get("/guides/linkedin/")["ETag"]
    published.guide.record_check(datetime.date.today(), None)
    after_check = client.get("/guides/linkedin/", HTTP_IF_NONE_MATCH=etag)
    assert after_check.status_code == 200
    assert "Last checked against LinkedIn" in after_check.content.decode()
    create_draft(read_folder(guide_folder)).publish("Second")
    page = client.get("/guides/linkedin/", HTTP_IF_NONE_MATCH=after_check["ETag"])
    assert page.status_code == 200
    assert "Version 2, published" in page.content.decode()


def test_a_visitor_with_a_checklist_gets_their_own_uncached_page(client, published):
    client.get("/guides/linkedin/")  # warm the shared cache
    client.post("/checklist/linkedin/ai-training/", {"state": "done"}, **SAME_SITE)
    page = client.get("/guides/linkedin/")
    assert "1 of 3 done" in page.content.decode()
    assert page["Cache-Control"] == "private, no-cache"
    assert not page.has_header("ETag")
    assert "Cookie" in page["Vary"]
    assert "0 of 3 done" in Client().get("/guides/linkedin/").content.decode()


def rendered_by_the_view(client, url: str) -> bytes:
    """The page as the guide view renders it for this visitor, without the page cache."""
    request = RequestFactory().get(url)
    request.COOKIES.update({name: morsel.value for name, morsel in client.cookies.items()})
    request.htmx = False
    request.resolver_match = resolve(request.path_info)
    return views.detail(request, "linkedin").content


@pytest.mark.parametrize("url", ["/guides/linkedin/", "/guides/linkedin/?region=eu"])
def test_the_spliced_page_is_the_page_the_view_renders_for_the_visitor(client, published, url):
    client.post("/checklist/linkedin/ai-training/", {"state": "done"}, **SAME_SITE)
    client.post("/checklist/linkedin/objection-form/", {"state": "waiting"}, **SAME_SITE)
    Client().get(url)  # a reader fills the shared cache
    with CaptureQueriesContext(connection) as queries:
        spliced = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert spliced["Content-Encoding"] == "gzip"
    assert len(queries) <= 4  # what is published, the current version, the checklist, its items
    page = gzip.decompress(spliced.content)
    assert page == client.get(url).content  # without compression
    assert b"slot:" not in page
    assert page == rendered_by_the_view(client, url)
    text = page.decode()
    assert "2 of 3 done" not in text and "1 of 3 done" in text
    assert "Sent on" in text and "<strong>Done</strong> on" in text


def test_a_visitor_with_a_checklist_fills_the_shared_cache_for_readers(client, published):
    client.post("/checklist/linkedin/ai-training/", {"state": "done"}, **SAME_SITE)
    mine = client.get("/fr/guides/linkedin/").content.decode()
    assert "1 sur 3</strong>" in mine
    reader = Client().get("/fr/guides/linkedin/")
    assert not reader.templates, "served from the cache the visitor filled"
    assert "0 sur 3</strong>" in reader.content.decode()


def test_a_forged_checklist_cookie_gets_the_readers_page(client, published):
    client.cookies[settings.CHECKLIST_COOKIE_NAME] = "forged"
    page = client.get("/guides/linkedin/")
    assert page.status_code == 200
    assert "0 of 3 done" in page.content.decode()
    assert not page.cookies


def test_pages_are_compressed(client, published):
    response = client.get("/guides/linkedin/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"


def test_a_cold_load_of_the_shipped_guide_fits_the_26_kb_budget(client, db):
    """Everything a first visit to the real guide downloads, as a browser that accepts Brotli
    gets it: the page (compressed by the page cache) and each file it loads (compressed by
    collectstatic, at whitenoise's Brotli quality). htmx is not part of it: the page names it
    only for site.js, which fetches it when the visitor first reaches for a form."""
    create_draft(read_folder(settings.BASE_DIR / "content" / "linkedin")).publish("v1")
    response = client.get("/guides/linkedin/?region=eu", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "br"
    page = brotli.decompress(response.content)
    assert b"Data for Generative AI Improvement" in page
    assets = re.findall(rb'<(?:script|link|img)[^>]+(?:src|href)="(/static/[^"]+)"', page)
    assert assets, "the page loads its CSS and JavaScript"
    total = len(response.content)
    for url in {a.decode() for a in assets if not a.endswith(b"og.png")}:
        path = finders.find(url.removeprefix("/static/"))
        total += len(brotli.compress(Path(path).read_bytes()))
    assert b"htmx" not in b" ".join(assets)
    assert total <= 26 * 1024, f"{total} bytes"


def test_nothing_is_loaded_from_another_site(client, published):
    page = client.get("/guides/linkedin/").content.decode()
    # Everything the browser fetches is a same-site path; only the hreflang alternates and the
    # canonical link, which nothing loads, are absolute (and name this site).
    for tag, attrs, url in re.findall(
        r'<(script|link|img|iframe|source)([^>]*?)(?:src|href)="([^"]+)"', page
    ):
        if tag == "link" and ("hreflang=" in attrs or 'rel="canonical"' in attrs):
            assert url.startswith("http://testserver/"), url
        else:
            assert url.startswith("/"), url
    assert "fonts.googleapis" not in page and "@font-face" not in page


def test_robots_and_sitemap(client, published):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /checklist/" in robots
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/guides/linkedin/</loc>" in sitemap
    assert "<loc>http://testserver/privacy/</loc>" in sitemap


def test_pages_have_a_title_description_and_open_graph_tags(client, published):
    page = client.get("/guides/linkedin/").content.decode()
    assert "<title>Stop LinkedIn from training AI on your data · optout</title>" in page
    assert '<meta name="description" content="Three settings to switch off.">' in page
    assert (
        '<meta property="og:title" content="Stop LinkedIn from training AI on your data">' in page
    )
    assert '<meta property="og:image" content="http://testserver/static/img/og.png">' in page
    image = client.get("/static/img/og.png")
    assert image.status_code == 200


READER_PAGES = [
    "/",
    "/guides/linkedin/",
    "/guides/linkedin/?region=eu",
    "/guides/linkedin/changes/",
    "/checklist/",
    "/fr/",
    "/de/guides/linkedin/",
    "/fr/checklist/?region=us",
]


@pytest.mark.parametrize("url", READER_PAGES)
def test_reader_pages_are_cached_and_take_one_small_query(client, published, url):
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert len(queries) == 1
    assert again["ETag"] == first["ETag"]
    assert gzip.decompress(again.content) == gzip.decompress(first.content)
    assert "Cookie" in again["Vary"] and "Accept-Encoding" in again["Vary"]
    assert not again.cookies
    revalidated = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=again["ETag"])
    assert revalidated.status_code == 304


def test_a_cached_page_is_the_same_page_in_every_encoding(client, published):
    plain = client.get("/guides/linkedin/").content
    assert (
        gzip.decompress(client.get("/guides/linkedin/", HTTP_ACCEPT_ENCODING="gzip").content)
        == plain
    )
    assert (
        brotli.decompress(client.get("/guides/linkedin/", HTTP_ACCEPT_ENCODING="br").content)
        == plain
    )


def test_a_publish_renews_every_cached_page(client, published, guide_folder):
    for url in READER_PAGES:
        client.get(url)
    folder = read_folder(guide_folder).model_copy(update={"title": "A new title for LinkedIn"})
    create_draft(folder).publish("Renamed the guide")
    assert "A new title for LinkedIn" in client.get("/").content.decode()
    assert "Renamed the guide" in client.get("/guides/linkedin/changes/").content.decode()
    assert "Version 2, published" in client.get("/guides/linkedin/").content.decode()


def test_requests_with_other_cookies_never_get_or_fill_the_shared_cache(client, published):
    client.get("/guides/linkedin/")  # in the cache now
    editor = Client()
    editor.cookies["sessionid"] = "an-editors-session"
    for url in ["/guides/linkedin/", "/"]:
        response = editor.get(url)
        assert response.status_code == 200
        assert response.templates, "rendered for this request"
        assert not response.has_header("ETag")
    assert client.get("/").templates, "the editor's page was not stored for everyone"
    assert not client.get("/").templates, "a reader's page was"


def test_a_reader_with_a_checklist_gets_the_shared_home_and_changes_pages(client, published):
    client.post("/checklist/linkedin/ai-training/", {"state": "done"}, **SAME_SITE)
    for url in ["/", "/guides/linkedin/changes/"]:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(queries) == 1
    page = client.get("/checklist/").content.decode()  # their own checklist
    assert "1 of 3 done" in page


def test_a_first_visit_from_a_french_browser_is_still_sent_to_french(client, published):
    client.get("/guides/linkedin/")  # the English page is cached
    response = client.get("/guides/linkedin/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/fr/guides/linkedin/"
    inside = client.get(
        "/guides/linkedin/", HTTP_ACCEPT_LANGUAGE="fr", HTTP_REFERER="http://testserver/fr/"
    )
    assert inside.status_code == 200


def test_pages_with_other_query_strings_are_not_shared(client, published):
    client.post("/checklist/linkedin/ai-training/", {"state": "done"}, **SAME_SITE)
    client.cookies.clear()
    response = client.get("/checklist/?resumed=1")
    assert "Your checklist is now on this device too." in response.content.decode()
    assert not response.has_header("ETag")
