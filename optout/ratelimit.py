"""Fixed-window rate limits in the cache, per client.

The client is known by a keyed hash of its address, kept only in the cache and only for the
window: no IP address is written anywhere.

Behind a reverse proxy every request comes from the proxy's address, so the client's own address
is taken from `X-Forwarded-For`, but only when the request comes from a trusted proxy
(`FORWARDED_ALLOW_IPS`, the setting gunicorn uses for the scheme), and only the right-most
address that is not itself a trusted proxy: the left part of that header is whatever the client
chose to send, the right part is what our own proxies appended.
"""

import functools
import hashlib
import hmac
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _trusted_networks(allowed: tuple[str, ...]) -> tuple[Network, ...] | None:
    """The trusted proxies as networks; None when every peer is trusted ("*")."""
    if "*" in allowed:
        return None
    return tuple(ipaddress.ip_network(item) for item in allowed)


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    # An IPv4 client of a server listening on IPv6 arrives as ::ffff:a.b.c.d.
    return getattr(ip, "ipv4_mapped", None) or ip


def _is_trusted_proxy(address: str) -> bool:
    networks = _trusted_networks(tuple(settings.FORWARDED_ALLOW_IPS))
    if networks is None:
        return True
    ip = _ip(address)
    return ip is not None and any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent this request, for telling clients apart.

    It is never stored or logged; `client_key` hashes it.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted_proxy(address):
        return address  # not from a proxy we trust: its X-Forwarded-* headers mean nothing
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if "*" in settings.FORWARDED_ALLOW_IPS:
        # Every peer counts as a proxy, so no hop can be told from a client: take the one our
        # own proxy appended, which is the only one a client cannot choose.
        return hops[-1] if hops else address
    for hop in reversed(hops):
        if not _is_trusted_proxy(hop):
            return hop
        address = hop
    return address  # only trusted proxies on the way: the furthest one is the client


def client_key(request: HttpRequest) -> str:
    """A keyed hash that tells clients apart without revealing their address.

    An IPv6 client is known by its /64 network: a home or a phone gets a whole /64 and could
    otherwise pick a fresh address for every request.
    """
    address = client_address(request)
    if ip := _ip(address):
        address = str(ipaddress.ip_network(f"{ip}/64", strict=False) if ip.version == 6 else ip)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def _window_key(request: HttpRequest, scope: str, window: int) -> tuple[str, int, int]:
    now = int(time.time())
    start = now - now % window
    return f"rl:{scope}:{client_key(request)}:{start}", start, now


def hit(
    request: HttpRequest, scope: str, limit: int, window: int, *, shared: bool = True
) -> tuple[bool, int]:
    """Count one request. Returns (allowed, seconds until the window ends).

    Counted in the shared cache, so every worker of every app server counts together (in the
    database without Redis: a locked write per count). With `shared=False` only in this
    process's memory: for requests that are cheap to let through but worth bounding per worker.
    """
    counts = cache if shared else caches["local"]
    key, start, now = _window_key(request, scope, window)
    counts.add(key, 0, timeout=window + 5)
    try:
        count = counts.incr(key)
    except ValueError:  # expired between add and incr
        counts.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit, start + window - now


def count(request: HttpRequest, scope: str, window: int) -> int:
    """How many times `hit` counted this client in the current window."""
    return cache.get(_window_key(request, scope, window)[0], 0)
