from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import translate_url
from django.utils.translation import get_language


def sharing(request: HttpRequest) -> dict:
    """Absolute URLs for Open Graph tags. Empty for a request with a bad Host header, so that
    its 400 page can still be rendered."""
    try:
        return {
            "page_url": request.build_absolute_uri(),
            "og_image_url": request.build_absolute_uri(static("img/og.png")),
        }
    except DisallowedHost:
        return {"page_url": "", "og_image_url": ""}


def languages(request: HttpRequest) -> dict:
    """The page in every language: for the language switcher and the hreflang alternates."""
    current = get_language()
    try:
        path = request.path
        base = request.build_absolute_uri("/")[:-1]
    except DisallowedHost:
        return {"language_links": [], "current_language": current}
    query = request.GET.urlencode()
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        links.append(
            {
                "code": code,
                "name": name,
                "path": url + (f"?{query}" if query else ""),
                "absolute": base + url,
                "current": code == current,
            }
        )
    return {"language_links": links, "current_language": current}
