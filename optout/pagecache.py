"""Pages that are the same for every reader, answered from the cache before the rest of the stack.

The guide, the home page, the changes and the empty checklist page depend only on the address
(language, guide, chosen region), what is published (versions, their last check), the guide's
feedback (report hints and step checks) and today's date. That is the cache key; its hash is the
ETag. Which versions are published is asked on every request (one small query), so a publish is
seen at once by every app server and nobody is served an old version from a cache.

The middleware sits right after whitenoise, before the language, session and authentication
middleware: for such a page they have nothing to add. On a miss the request goes through the
whole stack as usual, and the response, as it comes back to this point (with the headers the
inner middleware added), is stored with its gzip and Brotli forms. Requests with any cookie
other than the checklist's (an editor's session, a CSRF cookie, messages) are never served from
nor stored in the shared cache.

A visitor with a checklist gets the shared guide page with their own state spliced in: the
template marks the visitor-specific parts (see `optout.checklists.templatetags.checklists`) and
`optout.checklists.splice` renders just those for each request.
"""

import gzip
import hashlib
import re
import struct
import time
import zlib

import brotli
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers

from optout import clock
from optout.checklists.parts import visitor_parts
from optout.feedback import stamp
from optout.guides.caching import published, published_stamp
from optout.guides.regions import Region
from optout.i18n import from_this_site, preferred_language

_LANGUAGES = "|".join(settings.CONTENT_LANGUAGES)
# (language prefix, page, guide slug): the pages served from the shared cache.
_PAGES = [
    ("home", re.compile(rf"^/(?:({_LANGUAGES})/)?$"), set()),
    ("guide", re.compile(rf"^/(?:({_LANGUAGES})/)?guides/([-a-zA-Z0-9_]+)/$"), {"region"}),
    ("changes", re.compile(rf"^/(?:({_LANGUAGES})/)?guides/([-a-zA-Z0-9_]+)/changes/$"), set()),
    ("checklist", re.compile(rf"^/(?:({_LANGUAGES})/)?checklist/$"), {"region"}),
]
_ACCEPTS = re.compile(r"\b(br|gzip)\b")
SLOT = re.compile(rb"<!--slot:([-a-zA-Z0-9_:]+)-->(.*?)<!--/slot-->", re.DOTALL)


def shared_page(request: HttpRequest) -> tuple[str, str, str | None, str | None] | None:
    """(page, language, guide slug, region) when the request may get the shared page, else
    None."""
    if request.method not in ("GET", "HEAD"):
        return None
    cookies = request.COOKIES.keys()
    if cookies and cookies != {settings.CHECKLIST_COOKIE_NAME}:
        return None
    found = next(
        ((page, allowed, match) for page, pattern, allowed in _PAGES
         if (match := pattern.match(request.path_info))),
        None,
    )  # fmt: skip
    if found is None:
        return None
    page, allowed, match = found
    if not request.GET.keys() <= allowed:
        return None
    region = request.GET.get("region") or None
    if region is not None and region not in Region.values:
        return None  # the view answers 404
    if cookies and page == "checklist":
        return None  # the visitor's own checklist
    if match[1] is None and not (
        # An English page: optout.i18n may send a first visit elsewhere; let it decide.
        "HX-Request" in request.headers
        or preferred_language(request) == settings.LANGUAGE_CODE
        or from_this_site(request)
    ):
        return None
    slug = match[2] if page in ("guide", "changes") else None
    return page, match[1] or settings.LANGUAGE_CODE, slug, region


def page_key(request: HttpRequest, slug: str | None, region: str | None, now: dict) -> str:
    """The cache key of a shared page, given what is published `now` (`published()`)."""
    feedback = stamp.feedback_stamp(slug) if slug else 0
    return (
        f"page:{request.get_host()}:{request.path_info}:{region or '-'}:"
        f"{published_stamp(now)}:{feedback}:{clock.today()}"
    )


# The entries this process has used. A key says everything a page depends on, so an entry
# found here is the one the shared cache holds: no need to fetch and unpickle it (the page in
# three encodings and in pieces) on every request.
_local: dict[str, tuple[float, dict]] = {}


def remember(key: str, entry: dict) -> dict:
    if len(_local) >= 256:  # yesterday's pages, old versions
        _local.clear()
    _local[key] = (time.monotonic() + settings.PAGE_CACHE_SECONDS, entry)
    return entry


def cached(key: str) -> dict | None:
    found = _local.get(key)
    if found is not None and found[0] > time.monotonic():
        return found[1]
    entry = caches["pages"].get(key)
    return remember(key, entry) if entry is not None else None


def forget_local() -> None:
    """Drop this process's copies (tests clear the shared cache between tests)."""
    _local.clear()
    _parts.clear()
    stamp.forget_local()


def store(key: str, response: HttpResponse) -> dict:
    """Keep a rendered page (without its slot marks) in every encoding, and, if it has slots,
    in pieces for splicing."""
    marked = response.content
    html = SLOT.sub(rb"\2", marked)
    entry = {
        "headers": [
            (name, value)
            for name, value in response.items()
            if name.lower() not in ("content-length", "cache-control", "etag")
        ],
        "identity": html,
        "gzip": gzip.compress(html, 6),
        "br": brotli.compress(html, quality=11),
        "pieces": splittable(marked),
    }
    caches["pages"].set(key, entry, settings.PAGE_CACHE_SECONDS)
    return remember(key, entry)


def splittable(marked: bytes) -> list | None:
    """For a page with slots: [text, slot name, text, slot name, ..., text], each text as
    (bytes, the same deflated on its own); else None."""
    parts = SLOT.split(marked)
    if len(parts) == 1:
        return None
    # split() gives text, name, content, text, name, content, ...: drop the shared contents.
    return [
        part.decode() if i % 3 == 1 else (part, deflated(part))
        for i, part in enumerate(parts)
        if i % 3 != 2
    ]


def deflated(data: bytes) -> bytes:
    """`data` as raw deflate blocks that end on a byte boundary and refer to nothing before
    them: such pieces, concatenated in any order, are one valid deflate stream."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no time, unknown OS
_LAST_BLOCK = b"\x03\x00"  # an empty final block


def gzip_joined(pieces: list[tuple[bytes, bytes]]) -> bytes:
    """The gzip file of the pieces' bytes, one after the other, from their `deflated()` forms:
    the shared page is compressed once, only the visitor's parts on each request."""
    crc, size = 0, 0
    for raw, _ in pieces:
        crc, size = zlib.crc32(raw, crc), size + len(raw)
    body = b"".join(packed for _, packed in pieces)
    return _GZIP_HEADER + body + _LAST_BLOCK + struct.pack("<II", crc, size & 0xFFFFFFFF)


# {a visitor's part: (its bytes, deflated)}: parts are rendered from a few combinations of state
# and day (optout.checklists.parts), so most are compressed once per process, not per request.
_parts: dict[str, tuple[bytes, bytes]] = {}


def part_piece(html: str) -> tuple[bytes, bytes]:
    piece = _parts.get(html)
    if piece is None:
        if len(_parts) >= 4096:
            _parts.clear()
        raw = html.encode()
        piece = _parts[html] = (raw, deflated(raw))
    return piece


def spliced(request: HttpRequest, entry: dict, parts: dict[str, str]) -> HttpResponse | None:
    """The shared page with the visitor's parts in its slots (None if a slot has no part):
    gzip for any client that takes it (Brotli cannot be joined like this), private."""
    pieces = []
    for i, piece in enumerate(entry["pieces"]):
        if i % 2 == 0:
            pieces.append(piece)
        elif piece in parts:
            pieces.append(part_piece(parts[piece]))
        else:
            return None
    if encoding(request) == "identity":
        response = HttpResponse(b"".join(raw for raw, _ in pieces))
    else:
        response = HttpResponse(gzip_joined(pieces))
        response["Content-Encoding"] = "gzip"
    for name, value in entry["headers"]:
        response[name] = value
    response["Content-Length"] = str(len(response.content))
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    return response


def encoding(request: HttpRequest) -> str:
    accepted = set(_ACCEPTS.findall(request.headers.get("Accept-Encoding", "")))
    return "br" if "br" in accepted else "gzip" if "gzip" in accepted else "identity"


def respond(request: HttpRequest, key: str, entry: dict) -> HttpResponse:
    """The shared page, compressed as the client prefers, or 304 for a matching ETag."""
    chosen = encoding(request)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    etag = f'"{digest}"' if chosen == "identity" else f'"{digest}-{chosen}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(entry[chosen])
        for name, value in entry["headers"]:
            response[name] = value
        if chosen != "identity":
            response["Content-Encoding"] = chosen
        response["Content-Length"] = str(len(response.content))
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    return response


class SharedPageMiddleware:
    """See the module's docstring. Right after whitenoise in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            shared = shared_page(request)
        except DisallowedHost:
            shared = None  # the rest of the stack answers 400
        if shared is None:
            return self.get_response(request)
        page, language, slug, region = shared
        now = published()
        key = page_key(request, slug, region, now)
        entry = cached(key)
        # Only the guide page has visitor-specific parts (a checklist page with a cookie is not
        # shared at all, see shared_page()).
        personal = page == "guide" and settings.CHECKLIST_COOKIE_NAME in request.COOKIES
        if entry is None:
            request.shared_page = True  # templates mark the visitor-specific parts as slots
            response = self.get_response(request)
            if not (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not response.has_header("Content-Encoding")
            ):
                return response
            entry = store(key, response)
        if personal and entry["pieces"] is not None:
            # Before the language middleware: the parts are rendered in the page's language.
            translation.activate(language)
            request.LANGUAGE_CODE = language
            current = now.get(slug)
            parts = visitor_parts(request, slug, region, current[:3]) if current else None
            response = spliced(request, entry, parts) if parts is not None else None
            if response is not None:
                return response
        return respond(request, key, entry)
