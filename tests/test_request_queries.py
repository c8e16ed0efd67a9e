"""How many SQL queries the busiest requests take, with the cache self-hosters get by default
(a table in the database), where a cache read is a query too.

A cached page asks one query, what is published, so that a publish is seen at once by every app
server; nothing else on the way may reach the database.
"""

import time

import pytest
from django.test import Client

from optout import settings as production
from optout.feedback import stamp
from tests.helpers import SAME_SITE

GUIDE = "/guides/linkedin/"
HINT = "Some readers say this screen has changed"


@pytest.fixture
def database_cache(settings):
    """The production default cache: counters and stamps in the database."""
    settings.CACHES = {**settings.CACHES, "default": production.CACHES["default"]}
    assert production.CACHES["default"]["BACKEND"] == "optout.cache.DatabaseCache"


def tick(client, control="ai-training", state="done", **extra):
    return client.post(f"/checklist/linkedin/{control}/", {"state": state}, **SAME_SITE, **extra)


def test_a_cached_page_asks_only_what_is_published(
    client, published, database_cache, django_assert_num_queries
):
    client.get(GUIDE)
    with django_assert_num_queries(1):
        response = client.get(GUIDE, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_a_page_with_a_checklist_asks_what_is_published_and_the_visitors_items(
    client, published, database_cache, django_assert_num_queries
):
    tick(client)
    client.get(GUIDE)
    # What is published (which also names the current version), the checklist with its items.
    with django_assert_num_queries(2):
        response = client.get(GUIDE)
    assert response["Cache-Control"] == "private, no-cache"
    assert "1 of 3 done" in response.content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_a_tick_asks_the_version_reads_the_checklist_and_writes_once(
    client, published, database_cache, django_assert_num_queries, htmx
):
    tick(client)  # creates the checklist
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    # The current version, the checklist with its items, the upsert in one transaction (begin,
    # insert, commit; inside the test's own transaction a savepoint and its release). htmx's
    # answer shows the items as the tick left them: no second read.
    with django_assert_num_queries(5):
        response = tick(client, "objection-form", "waiting", **extra)
    assert response.status_code == (200 if htmx else 302)
    assert "1 of 3 done" in client.get(GUIDE).content.decode()


def test_a_report_through_another_worker_shows_within_seconds(
    client, published, database_cache, monkeypatch, settings
):
    settings.MISMATCH_HINT_THRESHOLD = 1
    assert HINT not in client.get(GUIDE).content.decode()
    # Another worker takes the report: this process's copy of the stamp is not told.
    copy = dict(stamp._local)
    assert (
        client.post(
            "/guides/linkedin/report/", {"version": 1, "step": 2, "surface": "web"}, **SAME_SITE
        ).status_code
        == 200
    )
    stamp._local.update(copy)
    assert HINT not in Client().get(GUIDE).content.decode()  # still this process's copy
    later = time.monotonic() + stamp.LOCAL_SECONDS
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert HINT in Client().get(GUIDE).content.decode()


def test_a_report_through_this_worker_shows_at_once(client, published, database_cache, settings):
    settings.MISMATCH_HINT_THRESHOLD = 1
    assert HINT not in client.get(GUIDE).content.decode()
    client.post(
        "/guides/linkedin/report/", {"version": 1, "step": 2, "surface": "web"}, **SAME_SITE
    )
    assert HINT in Client().get(GUIDE).content.decode()
