"""Which language a page is in.

The URL decides: `/fr/...` and `/de/...` are French and German, unprefixed pages are English.
A visitor's `Accept-Language` is only a first guess: someone who arrives from outside the site
(a link, a bookmark, a typed address) on an English page and whose browser prefers French or
German is redirected once to that language. Moving around inside the site never redirects (the
browser sends our own address as the referrer), so choosing English in the switcher sticks
without a cookie: a reader gets no cookie at all.

Only HTML pages a person opens are redirected. Machine formats (the JSON, the feed, the calendar
file, the checklist export) are marked with `@not_redirected` and always answer where they are
asked, whatever the client's Accept-Language: a program that fetches them (another site's
`fetch`, a feed reader, a calendar) must get the document, not a redirect.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, get_urlconf, is_valid_path, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header


def preferred_language(request: HttpRequest) -> str:
    """The first language in Accept-Language that the site has, or the default."""
    header = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def not_redirected(view: Callable) -> Callable:
    """Marks a view that answers in a machine format: never redirected to another language."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    wrapper.language_redirect = False
    return wrapper


def is_page(path: str) -> bool:
    """Whether `path` is a page a person opens (not a machine format, not unknown)."""
    try:
        match = resolve(path, get_urlconf())
    except Resolver404:
        return False
    return getattr(match.func, "language_redirect", True)


def from_this_site(request: HttpRequest) -> bool:
    referer = request.headers.get("Referer", "")
    try:
        return bool(referer) and urlsplit(referer).netloc == request.get_host()
    except DisallowedHost:
        return False


class FirstGuessLanguageMiddleware:
    """After LocaleMiddleware: redirects a first visit to the visitor's language (see above),
    and keeps the editors' admin in English, the language its content is written in."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_URL}"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(self.admin_prefix):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return self.get_response(request)
        if request.method not in ("GET", "HEAD") or translation.get_language_from_path(path):
            return self.get_response(request)
        other = next(code for code in settings.CONTENT_LANGUAGES)
        with translation.override(other):  # language prefixes resolve in their language
            translated_page = is_valid_path(f"/{other}{path}", get_urlconf())
        if not translated_page or not is_page(path):
            return self.get_response(request)  # not a page that has translations
        guess = preferred_language(request)
        if (
            guess != settings.LANGUAGE_CODE
            and "HX-Request" not in request.headers
            and not from_this_site(request)
        ):
            query = request.META.get("QUERY_STRING", "")
            response = HttpResponseRedirect(
                f"{request.META.get('SCRIPT_NAME', '')}/{guess}{path}"
                + (f"?{query}" if query else "")
            )
        else:
            response = self.get_response(request)
        patch_vary_headers(response, ["Accept-Language", "Referer"])
        return response
