"""The Atom feed of changes, held to RFC 4287 the way the W3C feed validator holds it.

The W3C's validator (feedvalidator) is not published on PyPI or npm and the tests run without
the network, so `atom_problems` checks the rules it enforces: a well-formed Atom document; a
feed and entries with exactly one absolute id, title and updated date (RFC 3339); an author for
every entry; a self link; text constructs of a known type, here always plain text; unique entry
ids; an alternate link for entries without content."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.test import Client

from optout.guides.models import GuideVersion
from tests.factories import publish_shipped_guide

ATOM = "http://www.w3.org/2005/Atom"
A = f"{{{ATOM}}}"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
FEED_CHILDREN = {"author", "category", "contributor", "generator", "icon", "id", "link"}
FEED_CHILDREN |= {"logo", "rights", "subtitle", "title", "updated", "entry"}
ENTRY_CHILDREN = {"author", "category", "content", "contributor", "id", "link", "published"}
ENTRY_CHILDREN |= {"rights", "source", "summary", "title", "updated"}


def atom_problems(document: bytes, location: str) -> list[str]:
    """What the W3C feed validator would refuse in `document`, served at `location`."""
    try:
        feed = ET.fromstring(document)
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    if feed.tag != f"{A}feed":
        return [f"the root element is {feed.tag}, not atom:feed"]
    problems = []

    def children(element, allowed, where):
        for child in element:
            name = child.tag.removeprefix(A)
            if child.tag.startswith(A) and name not in allowed:
                problems.append(f"{where}: unknown Atom element {name}")

    def exactly_one(element, name, where):
        found = element.findall(f"{A}{name}")
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} atom:{name} elements, not exactly one")
            return None
        return found[0]

    def date(element, name, where):
        value = exactly_one(element, name, where) if name != "published" else None
        if name == "published":
            value = element.find(f"{A}published")
        if value is not None and not RFC3339.fullmatch(value.text or ""):
            problems.append(f"{where}: atom:{name} {value.text!r} is not an RFC 3339 date-time")

    def text_construct(element, name, where, *, required):
        found = element.findall(f"{A}{name}")
        if len(found) > 1 or (required and not found):
            problems.append(f"{where}: {len(found)} atom:{name} elements")
        for text in found:
            kind = text.get("type", "text")
            if kind not in ("text", "html", "xhtml"):
                problems.append(f"{where}: atom:{name} has the unknown type {kind!r}")
            elif kind != "text":  # our summaries are plain text: markup in them is literal
                problems.append(f"{where}: atom:{name} is {kind}, not text")
            if len(text):
                problems.append(f"{where}: atom:{name} holds elements in a text construct")

    def absolute_id(element, where):
        found = exactly_one(element, "id", where)
        if found is None:
            return None
        parts = urlsplit(found.text or "")
        if not parts.scheme or not (parts.netloc or parts.scheme in ("tag", "urn")):
            problems.append(f"{where}: atom:id {found.text!r} is not an absolute IRI")
        return found.text

    def authors(element, where):
        found = element.findall(f"{A}author")
        for author in found:
            if len(author.findall(f"{A}name")) != 1 or not author.findtext(f"{A}name"):
                problems.append(f"{where}: an atom:author without exactly one atom:name")
        return bool(found)

    def links(element, where):
        alternates = {}
        for link in element.findall(f"{A}link"):
            if not link.get("href"):
                problems.append(f"{where}: atom:link without href")
            key = (link.get("type"), link.get("hreflang"))
            if link.get("rel", "alternate") == "alternate":
                if key in alternates:
                    problems.append(f"{where}: two alternate links of one type and language")
                alternates[key] = link.get("href")
        return alternates

    children(feed, FEED_CHILDREN, "feed")
    absolute_id(feed, "feed")
    text_construct(feed, "title", "feed", required=True)
    text_construct(feed, "subtitle", "feed", required=False)
    date(feed, "updated", "feed")
    feed_has_author = authors(feed, "feed")
    links(feed, "feed")
    selves = [link.get("href") for link in feed.findall(f"{A}link") if link.get("rel") == "self"]
    if selves != [location]:
        problems.append(f"feed: self links {selves} do not name the document's own {location}")
    ids = []
    for number, entry in enumerate(feed.findall(f"{A}entry"), start=1):
        where = f"entry {number}"
        children(entry, ENTRY_CHILDREN, where)
        ids.append(absolute_id(entry, where))
        text_construct(entry, "title", where, required=True)
        text_construct(entry, "summary", where, required=False)
        date(entry, "updated", where)
        date(entry, "published", where)
        if not authors(entry, where) and not feed_has_author:
            problems.append(f"{where}: no atom:author, and the feed has none")
        if entry.find(f"{A}content") is None and not links(entry, where):
            problems.append(f"{where}: no atom:content and no alternate link")
    if len(ids) != len(set(ids)):
        problems.append("entries share an atom:id")
    return problems


def entry_ids(response) -> list[str]:
    feed = ET.fromstring(response.content)
    return [entry.findtext(f"{A}id") for entry in feed.findall(f"{A}entry")]


@pytest.fixture
def shipped(db):
    return publish_shipped_guide(fr="L'étape 1 a changé.", de="Schritt 1 hat sich geändert.")


@pytest.mark.parametrize("prefix", ["", "/fr", "/de"])
def test_the_feed_passes_the_atom_rules_in_every_language(shipped, client, settings, prefix):
    path = f"{prefix}/guides/linkedin/changes/feed/"
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert atom_problems(response.content, f"{settings.SITE_URL}{path}") == []
    feed = ET.fromstring(response.content)
    assert len(feed.findall(f"{A}entry")) == 2
    assert feed.findtext(f"{A}author/{A}name") == "optout"


def test_entry_ids_and_links_do_not_change_with_the_host_name(shipped, settings):
    settings.ALLOWED_HOSTS = ["optout.example.org", "www.optout.example.org", "10.0.0.5"]
    settings.SITE_URL = "https://optout.example.org"
    feeds = [
        Client(HTTP_HOST=host).get("/guides/linkedin/changes/feed/").content
        for host in settings.ALLOWED_HOSTS
    ]
    assert feeds[0] == feeds[1] == feeds[2]
    ids = entry_ids(Client(HTTP_HOST="10.0.0.5").get("/guides/linkedin/changes/feed/"))
    assert ids == [
        "https://optout.example.org/guides/linkedin/changes/2/",
        "https://optout.example.org/guides/linkedin/changes/1/",
    ]


def test_an_entry_keeps_its_id_when_newer_versions_come(shipped, client):
    before = entry_ids(client.get("/guides/linkedin/changes/feed/"))
    GuideVersion.objects.get(number=2).copy_as_draft().publish("Again.")
    after = entry_ids(client.get("/guides/linkedin/changes/feed/"))
    assert after[1:] == before


def test_markup_in_a_change_summary_stays_text_in_feed_readers(published, client, tmp_path):
    summary = "Renamed <b>Settings</b> <script>alert(1)</script> & more"
    published.copy_as_draft().publish(summary)
    response = client.get("/guides/linkedin/changes/feed/")
    feed = ET.fromstring(response.content)
    entry = feed.find(f"{A}entry")
    assert entry.find(f"{A}summary").get("type", "text") == "text"
    assert entry.findtext(f"{A}summary") == summary
    assert entry.find(f"{A}title").get("type", "text") == "text"
    assert entry.findtext(f"{A}title") == f"Version 2: {summary}"
    assert b"<script>" not in response.content and b"<b>" not in response.content


def test_the_recheck_line_names_controls_in_the_readers_language(shipped, client):
    english = ET.fromstring(client.get("/guides/linkedin/changes/feed/").content)
    summary = english.find(f"{A}entry").findtext(f"{A}summary")
    assert "check them again: Data for Generative AI Improvement" in summary
    assert "ai-training" not in summary
    french = ET.fromstring(client.get("/fr/guides/linkedin/changes/feed/").content)
    summary = french.find(f"{A}entry").findtext(f"{A}summary")
    assert "ai-training" not in summary and "Data for Generative AI Improvement" in summary


def test_the_checker_refuses_what_the_w3c_validator_refused():
    old = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        b'<title>Changes</title><link href="http://testserver/feed/" rel="self"/>'
        b"<id>http://testserver/changes/</id><updated>2026-11-26T13:42:50.391283+00:00</updated>"
        b'<entry><title>Version 1</title><link href="http://testserver/changes/1/"/>'
        b"<updated>2026-11-26T13:42:50+00:00</updated><id>http://testserver/changes/1/</id>"
        b'<summary type="html">&lt;b&gt;x&lt;/b&gt;</summary></entry>'
        b"<entry><title>Version 1</title><updated>yesterday</updated><id>/changes/1/</id>"
        b"<id>x</id></entry></feed>"
    )
    assert atom_problems(old, "http://testserver/feed/") == [
        "entry 1: atom:summary is html, not text",
        "entry 1: no atom:author, and the feed has none",
        "entry 2: 2 atom:id elements, not exactly one",
        "entry 2: atom:updated 'yesterday' is not an RFC 3339 date-time",
        "entry 2: no atom:author, and the feed has none",
        "entry 2: no atom:content and no alternate link",
    ]
    assert atom_problems(b"<feed>", "x") and atom_problems(b"<rss/>", "x")
