from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.templatetags.static import static


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
