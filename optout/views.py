from django.conf import settings
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from optout.guides.models import GuideVersion, Step
from optout.guides.translation import localize_titles


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    versions = localize_titles(
        list(GuideVersion.objects.published().select_related("guide__platform"))
    )
    return render(request, "pages/home.html", {"versions": versions})


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


PUBLIC_STATUSES = [GuideVersion.Status.PUBLISHED, GuideVersion.Status.RETIRED]
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


@require_safe
def media(request: HttpRequest, name: str, ext: str) -> FileResponse:
    """An uploaded screenshot. Only names we generated (a random hex name and the extension of
    the image's real format) are served, always as an image, never as anything a browser
    would run."""
    stored = f"screenshots/{name}.{ext}"
    path = settings.MEDIA_ROOT / stored
    steps = Step.objects.filter(screenshot=stored)
    public = steps.filter(version__status__in=PUBLIC_STATUSES).exists()
    # A draft's screenshot is for its editors until the draft is published.
    if not path.is_file() or not (public or (request.user.is_staff and steps.exists())):
        raise Http404
    response = FileResponse(path.open("rb"), content_type=MEDIA_TYPES[ext])
    response["Content-Disposition"] = "inline"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = (
        "public, max-age=31536000, immutable" if public else "private, no-store"
    )
    return response


@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /checklist/",
        "Disallow: /guides/*/draft/",
        *(f"Disallow: /{code}/checklist/" for code in settings.CONTENT_LANGUAGES),
        *(f"Disallow: /{code}/guides/*/draft/" for code in settings.CONTENT_LANGUAGES),
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
