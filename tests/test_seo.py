"""What search engines and other sites read: robots.txt, canonical links, noindex, the
sitemap's addresses, and the link to the site's source code."""

import io
import re
import tarfile
from urllib.robotparser import RobotFileParser

from django.test import Client

from optout.core.checks import check_site_url

PATHS = {
    "/": True,
    "/privacy/": True,
    "/guides/linkedin/": True,
    "/guides/linkedin/?region=eu": True,
    "/fr/guides/linkedin/v/1/": True,
    "/de/guides/linkedin/changes/feed/": True,
    "/guides/linkedin.json": True,
    "/checklist/": False,
    "/checklist/delete/": False,
    "/fr/checklist/": False,
    "/de/checklist/export.json": False,
}


def longest_match_allows(robots: str, path: str) -> bool:
    """RFC 9309 (Google, Bing): the longest matching rule wins, `*` and `$` are patterns."""
    matches = []
    for line in robots.splitlines():
        field, _, value = line.partition(":")
        field, value = field.strip().lower(), value.strip()
        if field in ("allow", "disallow") and value:
            pattern = re.escape(value).replace(r"\*", ".*")
            pattern = pattern[:-2] + "$" if pattern.endswith(r"\$") else pattern
            if re.match(pattern, path):
                matches.append((len(value), field == "allow"))
    return not matches or max(matches)[1]


def test_robots_rules_mean_the_same_to_every_parser(client, db):
    robots = client.get("/robots.txt").content.decode()
    first_match = RobotFileParser()  # Python's: the first matching rule wins, no patterns
    first_match.parse(robots.splitlines())
    for path, allowed in PATHS.items():
        assert first_match.can_fetch("AnyBot", path) is allowed, path
        assert longest_match_allows(robots, path) is allowed, path
    rules = [line for line in robots.splitlines() if line.lower().startswith(("allow", "dis"))]
    assert rules and not any(
        "*" in rule or "$" in rule or rule.startswith("Allow") for rule in rules
    )
    assert "Sitemap: http://testserver/sitemap.xml" in robots


def test_every_page_names_its_canonical_address(published, client):
    for path, canonical in {
        "/": "/",
        "/privacy/": "/privacy/",
        "/fr/privacy/": "/fr/privacy/",
        "/guides/linkedin/?region=eu": "/guides/linkedin/",
        "/guides/linkedin/changes/": "/guides/linkedin/changes/",
        "/checklist/": "/checklist/",
    }.items():
        page = client.get(path).content.decode()
        assert f'<link rel="canonical" href="http://testserver{canonical}">' in page, path
        assert f'<meta property="og:url" content="http://testserver{canonical}">' in page, path
        assert 'name="robots"' not in page, path
    assert 'rel="canonical"' not in client.get("/no-such-page/").content.decode()


def test_the_current_versions_own_page_is_noindex_and_points_to_the_guide(published, client):
    published.copy_as_draft().publish("Second")
    current = client.get("/de/guides/linkedin/v/2/").content.decode()
    assert '<meta name="robots" content="noindex">' in current
    assert '<link rel="canonical" href="http://testserver/de/guides/linkedin/">' in current
    old = client.get("/guides/linkedin/v/1/").content.decode()
    assert '<meta name="robots" content="noindex">' in old
    assert '<link rel="canonical" href="http://testserver/guides/linkedin/v/1/">' in old
    guide = client.get("/guides/linkedin/").content.decode()
    assert 'name="robots"' not in guide


def test_absolute_links_come_from_site_url_not_the_host_header(published, settings):
    settings.ALLOWED_HOSTS = ["optout.example.org", "10.0.0.5"]
    settings.SITE_URL = "https://optout.example.org"
    visitor = Client(HTTP_HOST="10.0.0.5")
    sitemap = visitor.get("/sitemap.xml").content.decode()
    assert "<loc>https://optout.example.org/guides/linkedin/</loc>" in sitemap
    assert "10.0.0.5" not in sitemap
    assert "Sitemap: https://optout.example.org/sitemap.xml" in visitor.get("/robots.txt").text
    page = visitor.get("/privacy/").content.decode()
    assert '<link rel="canonical" href="https://optout.example.org/privacy/">' in page
    assert 'hreflang="fr" href="https://optout.example.org/fr/privacy/"' in page
    assert "10.0.0.5" not in page
    ics = visitor.get("/checklist/reminder.ics?months=6").content.decode()
    assert "https://optout.example.org/checklist/" in ics and "10.0.0.5" not in ics


def test_a_malformed_site_url_fails_the_system_checks(settings):
    for url in ("optout.example.org", "https://optout.example.org/sub/", "ftp://x"):
        settings.SITE_URL = url
        assert [error.id for error in check_site_url(None)] == ["optout.E001"], url
    settings.SITE_URL = "https://optout.example.org:8443"
    assert check_site_url(None) == []


def test_every_page_links_the_source_code_it_runs(client, db, settings):
    page = client.get("/privacy/").content.decode()
    assert '<a href="/source/">Source code</a>' in page
    response = client.get("/source/")
    assert response["Content-Type"] == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(b"".join(response.streaming_content))) as archive:
        names = set(archive.getnames())
    for expected in ("optout/LICENSE", "optout/manage.py", "optout/optout/settings.py",
                     "optout/templates/base.html", "optout/requirements/base.txt"):  # fmt: skip
        assert expected in names
    assert not any(
        part in name for name in names for part in ("/data/", ".venv", "__pycache__", "secret")
    )
    settings.SOURCE_URL = "https://git.example.org/fork/optout"
    page = client.get("/fr/privacy/").content.decode()
    assert '<a href="https://git.example.org/fork/optout">Code source</a>' in page
