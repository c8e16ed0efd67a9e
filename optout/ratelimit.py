"""Fixed-window rate limits in the cache, per client.

The client is known by a keyed hash of its address, kept only in the cache and only for the
window: no IP address is written anywhere.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def hit(request: HttpRequest, scope: str, limit: int, window: int) -> tuple[bool, int]:
    """Count one request. Returns (allowed, seconds until the window ends)."""
    now = int(time.time())
    start = now - now % window
    key = f"rl:{scope}:{client_key(request)}:{start}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit, start + window - now
