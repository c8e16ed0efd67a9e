"""The default cache without Redis (optout.cache): one counter for every worker of every server."""

import threading
import time

import pytest
from django.core.cache import caches
from django.db import connection, connections

from optout import settings as production

THREADS, HITS = 4, 15


@pytest.fixture
def shared_cache(transactional_db, settings):
    settings.CACHES = {**settings.CACHES, "shared": production.CACHES["default"]}
    yield caches["shared"]
    caches["shared"].clear()


def test_the_production_default_cache_is_the_shared_database_table(db):
    assert production.CACHES["default"]["BACKEND"] == "optout.cache.DatabaseCache"
    assert "optout_cache" in connection.introspection.table_names()


def test_counting_at_once_from_several_connections_loses_no_count(shared_cache):
    shared_cache.add("counter", 0, 3600)

    def worker():  # like a gunicorn worker: its own database connection
        for _ in range(HITS):
            shared_cache.incr("counter")
        connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert shared_cache.get("counter") == THREADS * HITS


def test_counting_keeps_the_expiry(shared_cache):
    shared_cache.add("counter", 0, 3600)
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM optout_cache")
        before = cursor.fetchone()[0]
    time.sleep(1.1)
    assert shared_cache.incr("counter", 3) == 3
    assert shared_cache.decr("counter") == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM optout_cache")
        assert cursor.fetchone()[0] == before


def test_counting_a_missing_or_expired_key_fails_as_django_says(shared_cache):
    with pytest.raises(ValueError):
        shared_cache.incr("nothing")
    shared_cache.add("gone", 1, timeout=-1)
    with pytest.raises(ValueError):
        shared_cache.incr("gone")
