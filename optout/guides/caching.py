"""The current version of a guide page, cached for visitors without a checklist.

Such a visitor's page depends only on the guide's published version, its last check, the chosen
region and today's date, so that is the cache key, and its hash is the ETag. Publishing a new
version changes the key at once for every app server (each asks the database for the current
version number, one small query), so nobody is ever served the old version from a cache.
"""

import gzip
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers

from optout import clock

from .models import GuideVersion

_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def page_key(request: HttpRequest, slug: str, region: str | None) -> str | None:
    current = (
        GuideVersion.objects.published()
        .filter(guide__slug=slug)
        .values_list("pk", "number", "guide__last_checked_on")
        .first()
    )
    if current is None:
        return None
    pk, number, checked = current
    host = request.get_host()  # the page has absolute links (Open Graph)
    feedback = cache.get(f"feedback-stamp:{slug}", 0)  # bumped by new reports and step checks
    return (
        f"guide-page:{host}:{slug}:{pk}.{number}:{checked}:{feedback}:{region or '-'}:"
        f"{clock.today()}"
    )


def is_anonymous(request: HttpRequest) -> bool:
    """Nothing on the page is personal: no checklist cookie."""
    return settings.CHECKLIST_COOKIE_NAME not in request.COOKIES


def cached_page(request: HttpRequest, key: str, render) -> HttpResponse:
    """The page from the cache (rendered on a miss), already compressed for clients that take
    gzip, with an ETag per representation and 304 for a matching If-None-Match."""
    gzipped = bool(_ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    etag = f'"{digest}-gz"' if gzipped else f'"{digest}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        cached = cache.get(key)
        if cached is None:
            html = render().content
            cached = (html, gzip.compress(html, 6))
            cache.set(key, cached, settings.PAGE_CACHE_SECONDS)
        response = HttpResponse(cached[1] if gzipped else cached[0])
        if gzipped:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(response.content))
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    return response
