"""Cross-site request refusal without a CSRF cookie.

Visitors' checklist forms must work without any cookie until the first tick, so they cannot use
Django's CSRF token (it needs a cookie). Instead, as OWASP recommends and Go's
CrossOriginProtection does, a POST is accepted only when the browser says it comes from this
site: `Sec-Fetch-Site: same-origin` (or `none`, typed by the user), or, from browsers that do not
send Fetch metadata, an `Origin` header equal to this site's origin. Requests with neither header
are not from a browser form on another site and pass. The admin keeps Django's CSRF protection.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from optout.errors import error_page


def is_same_origin(request: HttpRequest) -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin == f"{request.scheme}://{request.get_host()}" or (
        origin in settings.CSRF_TRUSTED_ORIGINS
    )


def same_origin_post(view):
    """Refuse cross-site POSTs (403) to a view that needs no CSRF cookie."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not is_same_origin(request):
            return error_page(
                request,
                403,
                _("Request refused"),
                _("This form can only be sent from this site. Nothing was changed."),
            )
        return view(request, *args, **kwargs)

    return wrapper
