from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import translate_url
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language


def sharing(request: HttpRequest) -> dict:
    """Absolute URLs, all from SITE_URL (never from the Host header): the page's canonical
    address (its path without the query; none for the answer to a form POST) for rel=canonical
    and Open Graph, the Open Graph image, and where the site's source code is."""
    canonical = ""
    if request.method in ("GET", "HEAD"):
        canonical = settings.SITE_URL + escape_uri_path(request.path)
    return {
        "canonical_url": canonical,
        "og_image_url": settings.SITE_URL + static("img/og.png"),
        "source_url": settings.SOURCE_URL,
    }


def languages(request: HttpRequest) -> dict:
    """The page in every language: for the language switcher and the hreflang alternates."""
    current = get_language()
    path = request.path
    query = request.GET.urlencode()
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        links.append(
            {
                "code": code,
                "name": name,
                "path": url + (f"?{query}" if query else ""),
                "absolute": settings.SITE_URL + escape_uri_path(url),
                "current": code == current,
            }
        )
    return {"language_links": links, "current_language": current}
