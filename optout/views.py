import functools
import io
import tarfile

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
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
    """Plain prefixes only: no `Allow`, no wildcards, which parsers read differently (a
    first-match parser reads a leading `Allow: /` as allowing everything). Checklists are
    private; draft previews need an editor's login and are marked noindex."""
    prefixes = ["", *(f"/{code}" for code in settings.CONTENT_LANGUAGES)]
    lines = [
        "User-agent: *",
        *(f"Disallow: {prefix}/checklist/" for prefix in prefixes),
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# The source archive: everything needed to build and run this site, as it is installed here;
# never the data folder, the virtualenv or generated files.
SOURCE_FILES = [
    *("optout", "templates", "static", "locale", "content", "docs", "bin", "deploy", "scripts"),
    *("tests", "bench", ".ci", "requirements", "manage.py", "pyproject.toml", "Makefile"),
    *("Dockerfile", "compose.yaml", ".dockerignore", ".gitignore", ".python-version"),
    *("package.json", "package-lock.json", "README.md", "CHANGELOG.md", "LICENSE"),
]


def _source_member(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    if "__pycache__" in info.name.split("/") or info.name.endswith((".pyc", ".mo")):
        return None
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


@functools.cache
def source_archive() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name in SOURCE_FILES:
            if (settings.BASE_DIR / name).exists():
                archive.add(settings.BASE_DIR / name, f"optout/{name}", filter=_source_member)
    return buffer.getvalue()


@require_safe
def source(request: HttpRequest) -> FileResponse:
    """The source code of the site as it runs here (AGPL-3.0 section 13), linked from every
    page's footer unless SOURCE_URL names a repository instead."""
    response = FileResponse(
        io.BytesIO(source_archive()), as_attachment=True, filename="optout-source.tar.gz"
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
