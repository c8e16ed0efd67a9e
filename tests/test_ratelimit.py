"""Rate limits: counted per client under a keyed hash of its address, for at most an hour.

The clock is moved, not waited for: `time.time` is what the rate limits and Django's cache both
read, so moving it moves the windows and the cache's expiry together.
"""

import time

import pytest
from django.core.cache import cache
from django.test import Client

from tests.helpers import SAME_SITE
from tests.test_privacy import ADDRESS, traces

REPORT = {"version": 1, "step": 2, "surface": "web"}
START = 1_800_000_000.0  # a whole hour (and minute): the windows start here


class Clock:
    def __init__(self):
        self.now = START + 1

    def __call__(self) -> float:
        return self.now

    def forward(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(time, "time", fake)
    return fake


# What the cache holds for pages, not for clients (test_performance and test_admin_cache).
PAGE_ENTRIES = (":page:", ":feedback-stamp:")


def entries() -> dict[str, object]:
    """What the requests left in the cache for counting clients, by key, unexpired (the tests'
    cache is the in-process one, whose keys can be listed)."""
    keys = [key for key in cache._cache if not key.startswith(PAGE_ENTRIES, 2)]
    found = {key: cache.get(key.split(":", 2)[2]) for key in keys}
    return {key: value for key, value in found.items() if value is not None}


def resume(client):
    return client.post("/checklist/resume/", {"code": "nope"}, **SAME_SITE).status_code


def report(client):
    return client.post("/guides/linkedin/report/", REPORT, **SAME_SITE).status_code


def tick(client):
    return client.post(
        "/checklist/linkedin/ai-training/", {"state": "done"}, **SAME_SITE
    ).status_code


def test_a_limit_holds_for_its_window_and_lifts_after_it(published, settings, clock):
    settings.RESUME_LOOKUPS_PER_HOUR = 2
    visitor = Client(REMOTE_ADDR=ADDRESS)
    assert [resume(visitor) for _ in range(3)] == [400, 400, 429]
    clock.forward(50 * 60)
    assert resume(visitor) == 429  # still within the hour
    clock.forward(10 * 60 + 6)
    assert resume(visitor) == 400  # a new hour: guessing may go on, slowly


def test_every_entry_expires_within_its_window(published, settings, clock):
    settings.RESUME_LOOKUPS_PER_HOUR = settings.REPORTS_PER_HOUR = 1
    settings.CHECKLIST_WRITES_PER_MINUTE = 1
    visitor = Client(REMOTE_ADDR=ADDRESS)
    assert [tick(visitor), tick(visitor)] == [302, 429]
    assert [report(visitor), report(visitor)] == [200, 429]
    assert [resume(visitor), resume(visitor)] == [400, 429]
    written = entries()
    assert len(written) == 3, written  # one counter per scope
    clock.forward(61 + 5)
    left = entries()
    assert len(left) == 2, "the per-minute counter outlived its minute"
    clock.forward(60 * 60)
    assert entries() == {}, "a counter outlived its hour"


def test_entries_hold_a_keyed_hash_of_the_address_and_nothing_else(published, settings, clock):
    settings.REPORTS_PER_HOUR = 1
    first, second = Client(REMOTE_ADDR=ADDRESS), Client(REMOTE_ADDR="198.51.100.23")
    assert [report(first), report(first)] == [200, 429]
    assert report(second) == 200  # another client has its own count
    written = entries()
    assert len(written) == 2
    text = " ".join(f"{key} {value!r}" for key, value in written.items())
    assert traces(text) == []
    assert "198.51.100.23" not in text
    for key, value in written.items():
        assert isinstance(value, int), "an entry holds a count, nothing else"
        # What identifies the client is one opaque token: no address, no plain hash of it.
        tokens = [part for part in key.split(":") if len(part) >= 16]
        assert len(tokens) == 1 and tokens[0].isalnum(), key
