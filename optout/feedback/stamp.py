"""The feedback stamp of a guide: cached guide pages show report hints and step checks, so their
cache key names a counter that every new report, check, dismissal or deletion moves on.

The counter lives in the default cache, shared by every worker and app server. From Redis (or a
single process's memory) it is read on every cached page. From the database cache that would be
one more query on every cached page, so there each process keeps what it read for a few seconds
(`LOCAL_SECONDS`); the process that moves the counter forgets its copy at once. Without Redis
each process keeps its own rendered pages anyway, so processes need not agree to the second.
"""

import time

from django.core.cache import cache, caches
from django.core.cache.backends.db import BaseDatabaseCache

LOCAL_SECONDS = 5

# {guide slug: (until when, the stamp)}, for the database cache only.
_local: dict[str, tuple[float, int]] = {}


def feedback_stamp(slug: str) -> int:
    if not isinstance(caches["default"], BaseDatabaseCache):
        return cache.get(f"feedback-stamp:{slug}", 0)
    found = _local.get(slug)
    now = time.monotonic()
    if found is None or found[0] <= now:
        found = _local[slug] = (now + LOCAL_SECONDS, cache.get(f"feedback-stamp:{slug}", 0))
    return found[1]


def bump_feedback(slug: str) -> None:
    """A new report or check, or fewer of them: the guide's cached pages are renewed."""
    key = f"feedback-stamp:{slug}"
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)
    _local.pop(slug, None)


def forget_local() -> None:
    """Drop this process's copies (tests clear the shared cache between tests)."""
    _local.clear()
