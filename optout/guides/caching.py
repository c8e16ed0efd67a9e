"""The current version of a guide page, cached for visitors without a checklist.

Such a visitor's page depends only on its language, the guide's published version, its last
check, the chosen region and today's date, so that is the cache key, and its hash is the ETag. Publishing a new
version changes the key at once for every app server (each asks the database for the current
version number, one small query), so nobody is ever served the old version from a cache.
"""

import datetime
import gzip
import hashlib
import re

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import get_language

from optout import clock

from .models import Guide, GuideVersion
from .regions import Region
from .translation import localize

_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


# Table names come from our models; the values are query parameters.
_CURRENT = (
    f"SELECT v.id, v.number, g.last_checked_on FROM {GuideVersion._meta.db_table} v "  # noqa: S608
    f"JOIN {Guide._meta.db_table} g ON v.guide_id = g.id "
    "WHERE g.slug = %s AND v.status = %s"
)


def current_version(slug: str) -> tuple[int, int, datetime.date | None] | None:
    """(pk, number, the guide's last check) of the guide's published version, or None.

    Asked on every request, so written once as plain SQL rather than built by the ORM each
    time (that was half the cost of a cached page)."""
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT, [slug, GuideVersion.Status.PUBLISHED])
        return cursor.fetchone()


# {(slug, version pk, number, language): the version, loaded}: at most a few entries a process.
_published: dict[tuple, GuideVersion] = {}


def published_version(slug: str) -> GuideVersion | None:
    """The guide's published version with its content, localized into the active language, its
    sections in order (`section_list`, with their steps and rules) and by control key
    (`section_by_key`): built once per version, language and process, and found again with the
    one small query that also keys the page cache. Published versions never change, so a new
    publish simply makes a new key. Shared by every request of the process: read it, never
    change it."""
    current = current_version(slug)
    if current is None:
        return None
    pk, number, _checked = current
    key = (slug, pk, number, get_language())
    version = _published.get(key)
    if version is None:
        version = GuideVersion.objects.with_content().get(pk=pk)
        localize(version)
        version.section_list = version.sections_with_steps()
        version.section_by_key = {section.key: section for section in version.section_list}
        version.recheck_history  # noqa: B018 (computed now, once)
        if len(_published) >= 64:  # old versions and languages nobody asks for any more
            _published.clear()
        _published[key] = version
    return version


def page_key(request: HttpRequest, slug: str, region: str | None) -> str | None:
    current = current_version(slug)
    if current is None:
        return None
    pk, number, checked = current
    host = request.get_host()  # the page has absolute links (Open Graph)
    feedback = cache.get(f"feedback-stamp:{slug}", 0)  # bumped by new reports and step checks
    return (
        f"guide-page:{host}:{get_language()}:{slug}:{pk}.{number}:{checked}:{feedback}:"
        f"{region or '-'}:"
        f"{clock.today()}"
    )


def is_anonymous(request: HttpRequest) -> bool:
    """Nothing on the page is personal: no checklist cookie."""
    return settings.CHECKLIST_COOKIE_NAME not in request.COOKIES


def cached_page(request: HttpRequest, key: str, render=None) -> HttpResponse | None:
    """The page from the cache (rendered by `render` on a miss, or None without it), already
    compressed for clients that take gzip, with an ETag per representation and a 304 for a
    matching If-None-Match."""
    gzipped = bool(_ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    etag = f'"{digest}-gz"' if gzipped else f'"{digest}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        cached = caches["pages"].get(key)
        if cached is None:
            if render is None:
                return None
            html = render().content
            cached = (html, gzip.compress(html, 6))
            caches["pages"].set(key, cached, settings.PAGE_CACHE_SECONDS)
        response = HttpResponse(cached[1] if gzipped else cached[0])
        if gzipped:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(response.content))
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    response["X-Frame-Options"] = "DENY"
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    return response


class CachedGuidePageMiddleware:
    """Answers a cached guide page before sessions, authentication and the rest of the stack
    run: for such a request they have nothing to add. Placed after the middleware that set the
    security headers (they still wrap this response). A miss goes on to the view, which renders
    the page and fills the cache under the same key."""

    PATH = re.compile(
        rf"^/(?:(?:{'|'.join(settings.CONTENT_LANGUAGES)})/)?guides/([-a-zA-Z0-9_]+)/$"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = self.PATH.match(request.path_info)
        if match and request.method in ("GET", "HEAD") and is_anonymous(request):
            region = request.GET.get("region") or None
            if request.GET.keys() <= {"region"} and (region is None or region in Region.values):
                key = page_key(request, match[1], region)
                request.guide_page_key = key  # the view uses it on a miss
                response = cached_page(request, key) if key else None
                if response is not None:
                    return response
        return self.get_response(request)
