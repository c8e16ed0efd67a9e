"""The guide page's speed rules: cached per version, conditional requests, a weight budget."""

import gzip
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
    from django.test import Client

    assert "0 of 3 done" in Client().get("/guides/linkedin/").content.decode()


def test_pages_are_compressed(client, published):
    response = client.get("/guides/linkedin/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"


def test_a_cold_load_of_the_guide_page_fits_the_30_kb_budget(client, published):
    """Everything a first visit downloads, compressed: the page and each file it loads."""
    page = client.get("/guides/linkedin/?region=eu").content
    assets = re.findall(rb'<(?:script|link|img)[^>]+(?:src|href)="(/static/[^"]+)"', page)
    assert assets, "the page loads its CSS and JavaScript"
    total = len(gzip.compress(page, 6))
    for url in {a.decode() for a in assets if not a.endswith(b"og.png")}:
        path = finders.find(url.removeprefix("/static/"))
        total += len(gzip.compress(Path(path).read_bytes(), 6))
    assert total <= 30 * 1024, f"{total} bytes"


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
