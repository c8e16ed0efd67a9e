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

import brotli
from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers

from optout import clock
from optout.guides.caching import published_stamp
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


def shared_page(request: HttpRequest) -> tuple[str, str | None, str | None] | None:
    """(page, guide slug, region) when the request may get the shared page, else None."""
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
    return page, slug, region


def page_key(request: HttpRequest, slug: str | None, region: str | None) -> str:
    feedback = cache.get(f"feedback-stamp:{slug}", 0) if slug else 0
    return (
        f"page:{request.get_host()}:{request.path_info}:{region or '-'}:"
        f"{published_stamp()}:{feedback}:{clock.today()}"
    )


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
    return entry


def splittable(marked: bytes) -> list[bytes] | None:
    """[text, slot name, text, slot name, ..., text] for a page with slots, else None."""
    parts = SLOT.split(marked)
    if len(parts) == 1:
        return None
    # split() gives text, name, content, text, name, content, ...: drop the shared contents.
    return [part for i, part in enumerate(parts) if i % 3 != 2]


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
        page, slug, region = shared
        key = page_key(request, slug, region)
        entry = caches["pages"].get(key)
        # Only the guide page has visitor-specific parts (a checklist page with a cookie is not
        # shared at all, see shared_page()).
        personal = page == "guide" and settings.CHECKLIST_COOKIE_NAME in request.COOKIES
        if personal:
            return self.get_response(request)
        if entry is not None:
            return respond(request, key, entry)
        request.shared_page = True  # templates mark the visitor-specific parts
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Content-Encoding")
        ):
            return respond(request, key, store(key, response))
        return response
